"""Hand-written inventory of the English labelled set (bench/data/en/, built by make_en_dataset.py).

18 topics in 9 areas (two neighbouring topics per area, sharing some vocabulary: PEM
electrolysis and PEM fuel cells, welding and metal additive manufacturing ...), each with two
facets. A facet has one need, written as an enterprise would post it, and three works written
as an academic would title a paper or patent. Needs and works deliberately use other
inflections, derivations, spellings and synonyms of the same terms ("coatings" / "coating",
"sensing" / "sensor", "electrolyser" / "electrolyzer", "solid-state" / "solid state"), and
acronyms (PEM, SiC, MEMS, LiDAR, 5G) in place of or beside their long forms.
All text is original, written for this benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Need:
    title: str
    summary: str
    keywords: tuple[str, ...]
    detail: str


@dataclass(frozen=True)
class Facet:
    focus: str  # how an expert's bio names this facet
    need: Need
    works: tuple[str, str, str]


@dataclass(frozen=True)
class Topic:
    key: str
    area: str
    field: str
    core: tuple[str, ...]  # ways a bio names the topic
    keywords: tuple[str, ...]  # expert keywords, drawn from at random
    facets: tuple[Facet, Facet]


TOPICS: tuple[Topic, ...] = (
    # -- energy storage ---------------------------------------------------------------------
    Topic("ssb", "storage", "Electrochemistry",
          ("solid state batteries", "all-solid-state lithium batteries"),
          ("solid state battery", "sulfide solid electrolyte", "lithium metal anode",
           "interfacial resistance", "ionic conductivity", "argyrodite"),
          (Facet("the electrolyte-cathode interface of sulfide electrolytes",
                 Need("Lowering interface resistance in our sulfide solid-state cells",
                      "Our pilot line builds solid-state battery cells with argyrodite sulfide "
                      "electrolytes. Cell resistance grows quickly because the cathode interface "
                      "degrades during cycling.",
                      ("solid-state batteries", "sulfide electrolytes"),
                      "Target: interfacial resistance below 20 ohm cm2 after 300 cycles; "
                      "coated cathode particles compatible with dry processing."),
                 ("Interfacial stability of LiNbO3-coated cathodes in sulfide solid state battery",
                  "Ionic conductivity and electrochemical window of argyrodite Li6PS5Cl electrolyte",
                  "Space-charge layer suppression at oxide cathode and sulfide electrolyte interface")),
           Facet("lithium metal anodes and dendrite growth",
                 Need("Stopping lithium dendrites from shorting solid-state cells",
                      "We are developing lithium-metal anodes for solid-state batteries. Dendrites "
                      "penetrate the ceramic separator at high current densities and short the cells.",
                      ("lithium metal anodes", "dendrites", "solid-state batteries"),
                      "Critical current density above 3 mA/cm2 at room temperature; stack pressure "
                      "under 5 MPa."),
                 ("Critical current density of lithium metal anode against garnet solid electrolyte",
                  "Dendrite propagation through grain boundaries of LLZO ceramic electrolyte",
                  "Interlayer design for dendrite-free lithium plating in solid state battery")))),
    Topic("bms", "storage", "Electrical Engineering",
          ("battery management systems", "lithium-ion battery state estimation"),
          ("battery management system", "state of charge", "state of health", "BMS",
           "thermal runaway", "Kalman filter"),
          (Facet("state-of-charge and state-of-health estimation",
                 Need("Accurate state-of-charge estimating for LFP packs",
                      "Our energy storage cabinets use LFP cells whose flat voltage curve makes the "
                      "BMS state-of-charge readings drift by more than 8%.",
                      ("BMS", "SOC estimation", "LFP"),
                      "SOC error under 3% across temperatures from -10 to 45 C; algorithm must run "
                      "on the existing battery management controller."),
                 ("Adaptive extended Kalman filter for state of charge estimation of LiFePO4 battery",
                  "State of health estimation of lithium-ion battery from incremental capacity analysis",
                  "Data-driven capacity fade estimation for battery management system")),
           Facet("early warning of thermal runaway",
                 Need("Early warnings of thermal runaways in battery storage containers",
                      "Containerised battery storage sites need to detect thermal runaways minutes "
                      "before venting so that the fire suppression can act.",
                      ("thermal runaway", "battery safety", "early warning"),
                      "Warning at least 5 minutes before venting, false alarm rate under 1 per year "
                      "per container."),
                 ("Thermal runaway propagation in lithium-ion battery module under overcharge",
                  "Gas sensing based early warning of thermal runaway in energy storage systems",
                  "Internal short circuit detection for battery management system")))),
    # -- hydrogen ---------------------------------------------------------------------------
    Topic("pemwe", "hydrogen", "Chemical Engineering",
          ("PEM water electrolysis", "proton exchange membrane electrolysers"),
          ("PEM electrolysis", "water electrolyzer", "iridium oxide", "oxygen evolution",
           "green hydrogen", "porous transport layer"),
          (Facet("low-iridium anode catalysts",
                 Need("Cutting the iridium loading of our PEM electrolysers",
                      "We manufacture PEM electrolyser stacks for green hydrogen. Iridium on the "
                      "anode is the largest material cost and supply is scarce.",
                      ("PEM electrolysers", "iridium", "anode catalysts"),
                      "Iridium loading under 0.4 mg/cm2 with less than 10 uV/h degradation at "
                      "2 A/cm2."),
                 ("Low iridium loading anode for proton exchange membrane water electrolyzer",
                  "Oxygen evolution reaction activity of IrO2 supported on doped titanium oxide",
                  "Catalyst layer ionomer distribution in PEM water electrolysis anodes")),
           Facet("membranes and porous transport layers under dynamic operation",
                 Need("Membrane lifetime of electrolyzers run on fluctuating wind power",
                      "Our electrolysis plant follows a wind farm's output. Frequent load changes "
                      "thin the membranes and passivate the titanium transport layers.",
                      ("electrolyzer membranes", "dynamic operation", "wind-to-hydrogen"),
                      "60,000 h stack life under dynamic load; hydrogen crossover below 1% of "
                      "lower explosive limit."),
                 ("Membrane thinning and hydrogen crossover in PEM electrolyzer under load cycling",
                  "Titanium porous transport layer passivation and coating in water electrolysis",
                  "Degradation of proton exchange membrane electrolysis stacks coupled to wind power")))),
    Topic("pemfc", "hydrogen", "Power Engineering",
          ("PEM fuel cells", "hydrogen fuel cell stacks for vehicles"),
          ("fuel cell", "PEMFC", "platinum catalyst", "membrane electrode assembly",
           "water management", "fuel cell vehicles"),
          (Facet("platinum catalyst durability",
                 Need("Platinum catalysts degrading in our truck fuel-cell stacks",
                      "Our heavy-duty trucks use PEM fuel cells. Start-stop cycles and idling "
                      "coarsen the platinum catalysts and the stacks lose power early.",
                      ("fuel cells", "platinum catalysts", "durability"),
                      "Stack power loss under 10% after 25,000 h of duty-cycle operation."),
                 ("Platinum dissolution and Ostwald ripening in PEMFC cathode catalyst",
                  "Carbon support corrosion during start-up and shut-down of fuel cell",
                  "Durable PtCo alloy catalyst for membrane electrode assembly in heavy-duty vehicles")),
           Facet("water and thermal management in stacks",
                 Need("Flooding and membrane drying in hydrogen fuel cell stacks",
                      "Cells in our fuel-cell stacks flood at low load and dry out at high load; "
                      "voltages of individual cells diverge.",
                      ("fuel cell stacks", "water management", "flooding"),
                      "Cell voltage spread under 30 mV across the stack from 10% to 100% load."),
                 ("Liquid water transport in gas diffusion layer of PEM fuel cell",
                  "Humidity control and membrane dehydration in proton exchange membrane fuel cell stack",
                  "Flow field design against flooding in automotive fuel cell")))),
    # -- surface engineering ----------------------------------------------------------------
    Topic("corrosion", "surface", "Materials Science",
          ("anti-corrosion coatings", "marine corrosion protection"),
          ("anticorrosive coating", "marine corrosion", "cathodic protection", "epoxy coating",
           "zinc-rich primer", "offshore steel"),
          (Facet("protective coatings for offshore steel",
                 Need("Coatings that stop our offshore wind foundations corroding",
                      "Monopile foundations in the splash zone are corroding within five years; "
                      "the current epoxy coatings blister and delaminate.",
                      ("anti-corrosion coatings", "offshore wind", "splash zone"),
                      "Coating system rated for 25 years in ISO 12944 CX/Im4; repairable at sea."),
                 ("Blistering and delamination of epoxy coating on steel in splash zone",
                  "Graphene-modified zinc-rich primer for marine anticorrosive coating",
                  "Accelerated ageing of offshore protective coating systems")),
           Facet("cathodic protection and corrosion monitoring",
                 Need("Monitoring corrosion of subsea pipelines under cathodic protection",
                      "We operate subsea pipelines protected by sacrificial anodes and need to know "
                      "where protection is failing before leaks happen.",
                      ("cathodic protection", "subsea pipelines", "corrosion monitoring"),
                      "Remote readings of protection potential every 1 km; anode depletion "
                      "forecast within 10%."),
                 ("Sacrificial anode consumption model for cathodic protection of subsea pipeline",
                  "Electrochemical sensor for in situ corrosion monitoring of marine steel",
                  "Stray current interference on cathodically protected offshore structures")))),
    Topic("tbc", "surface", "Materials Science",
          ("thermal barrier coatings", "high-temperature protective coatings for turbines"),
          ("thermal barrier coating", "yttria-stabilized zirconia", "bond coat",
           "thermally grown oxide", "gas turbine", "plasma spraying"),
          (Facet("spallation of ceramic top coats",
                 Need("Ceramic top-coat spalling on our gas-turbine blades",
                      "The plasma-sprayed zirconia top coats on first-stage turbine blades spall "
                      "after a few hundred thermal cycles.",
                      ("thermal barrier coatings", "spallation", "turbine blades"),
                      "Over 1,500 furnace cycles at 1,100 C without spalling; thickness 300 um."),
                 ("Spallation lifetime of plasma sprayed YSZ thermal barrier coating under thermal cycling",
                  "CMAS infiltration and degradation of thermal barrier coating top coat",
                  "Columnar EB-PVD zirconia coating for turbine blade")),
           Facet("bond coat oxidation",
                 Need("Oxidising bond coats under turbine thermal barriers",
                      "Thermally grown oxide on the MCrAlY bond coat of our turbine vanes thickens "
                      "fast and cracks the coating system.",
                      ("bond coats", "oxidation", "gas turbines"),
                      "TGO below 5 um after 1,000 h at 1,050 C."),
                 ("Thermally grown oxide growth on MCrAlY bond coat",
                  "Platinum-modified aluminide bond coat oxidation resistance",
                  "Rumpling of bond coat and failure of thermal barrier coating")))),
    # -- vision and perception ----------------------------------------------------------------
    Topic("mvision", "vision", "Computer Science",
          ("machine vision inspection", "industrial computer vision"),
          ("machine vision", "defect detection", "surface inspection", "deep learning",
           "anomaly detection", "industrial camera"),
          (Facet("defect detection from few labelled samples",
                 Need("Machine-vision inspection of scratches with few defective samples",
                      "We make aluminium housings for phones. Scratches and dents are rare, so we "
                      "have only dozens of labelled defective images to train on.",
                      ("machine vision", "defects", "few-shot"),
                      "Miss rate under 0.5% and overkill under 2% with at most 50 defective images "
                      "per defect type."),
                 ("Few-shot surface defect detection with prototype networks",
                  "Unsupervised anomaly detection for industrial surface inspection",
                  "Synthetic defect generation for training machine vision inspection models")),
           Facet("high-speed inspection on production lines",
                 Need("Inspecting steel strip surfaces at 20 m/s",
                      "Our cold-rolling line runs at 20 m/s and the current cameras miss small "
                      "defects; we want on-line visual inspection of the whole strip width.",
                      ("strip inspection", "line-scan cameras", "real-time"),
                      "Defects of 0.3 mm detected at full line speed; results within 50 ms."),
                 ("Real-time steel strip surface defect detection with line-scan camera",
                  "Lightweight convolutional network for on-line visual inspection on edge devices",
                  "Illumination design for high-speed machine vision of metal surfaces")))),
    Topic("lidar", "vision", "Robotics",
          ("LiDAR perception for autonomous driving", "3D point cloud processing"),
          ("LiDAR", "point cloud", "3D object detection", "semantic segmentation",
           "sensor fusion", "autonomous vehicles"),
          (Facet("point cloud segmentation and detection",
                 Need("Segmenting LiDAR point clouds for our autonomous mining trucks",
                      "Our driverless haul trucks must tell rocks, berms and people apart in dusty "
                      "LiDAR scans; the current model confuses dust with obstacles.",
                      ("LiDAR", "point clouds", "segmentation"),
                      "mIoU above 75% on our labelled mine data; 10 Hz on the truck computer."),
                 ("Semantic segmentation of LiDAR point cloud with sparse convolution",
                  "Robust 3D object detection under dust and rain in point clouds",
                  "Range image based segmentation of lidar scans for autonomous driving")),
           Facet("LiDAR-camera calibration and fusion",
                 Need("Calibrating LiDARs and cameras on delivery robots",
                      "Our delivery robots fuse two LiDARs with four cameras; the extrinsic "
                      "calibrations drift after bumps and the fused detections misalign.",
                      ("LiDAR-camera calibration", "sensor fusion", "robots"),
                      "Targetless online recalibration within 0.2 degrees."),
                 ("Targetless extrinsic calibration between LiDAR and camera",
                  "Online calibration drift detection for multi-sensor fusion",
                  "Fusing lidar point cloud and image features for 3D detection")))),
    # -- semiconductors ------------------------------------------------------------------------
    Topic("sic", "semis", "Microelectronics",
          ("SiC power devices", "wide-bandgap power semiconductors"),
          ("silicon carbide", "SiC MOSFET", "power module", "gate oxide", "wide bandgap",
           "traction inverter"),
          (Facet("gate oxide reliability of SiC MOSFETs",
                 Need("Threshold drift of SiC MOSFETs in our traction inverters",
                      "The silicon carbide MOSFETs in our EV inverters show threshold voltage "
                      "shifts after high-temperature gate stress.",
                      ("SiC MOSFETs", "threshold voltage", "reliability"),
                      "Threshold shift under 0.3 V after 1,000 h HTGB at 175 C."),
                 ("Bias temperature instability of SiC MOSFET gate oxide",
                  "Interface trap passivation at SiO2/SiC interface by nitridation",
                  "Time-dependent dielectric breakdown of silicon carbide power transistor")),
           Facet("packaging of SiC power modules",
                 Need("Packaging SiC modules that survive power cycling",
                      "Our SiC power modules fail power-cycling tests at the die-attach and the "
                      "wire bonds; we need a package for 200 C junctions.",
                      ("SiC power modules", "die attach", "power cycling"),
                      "Over 100,000 power cycles at delta Tj 100 K."),
                 ("Silver sintering die attach for high temperature SiC power module",
                  "Power cycling lifetime of copper wire bonds in silicon carbide module",
                  "Double-sided cooling package for SiC traction inverter")))),
    Topic("mems", "semis", "Microelectronics",
          ("MEMS sensors", "micro-electro-mechanical systems"),
          ("MEMS", "microfabrication", "MEMS gyroscope", "pressure sensor", "inertial sensor",
           "wafer-level packaging"),
          (Facet("MEMS inertial sensors",
                 Need("Lower bias drift in our MEMS gyroscopes",
                      "The MEMS gyros in our navigation modules drift too much with temperature "
                      "for dead reckoning in tunnels.",
                      ("MEMS gyroscopes", "bias drift", "inertial navigation"),
                      "Bias instability under 1 deg/h over -40 to 85 C."),
                 ("Mode-matched MEMS gyroscope with electrostatic tuning",
                  "Temperature compensation of bias in micromachined inertial sensor",
                  "Quadrature error suppression for MEMS vibratory gyroscope")),
           Facet("MEMS pressure sensing",
                 Need("Piezoresistive pressure sensing chips for harsh media",
                      "We need MEMS pressure sensing dies that survive fuel and exhaust condensate "
                      "in engines.",
                      ("MEMS pressure sensors", "harsh environments"),
                      "0-10 bar, 0.25% full-scale accuracy, media-isolated."),
                 ("Piezoresistive MEMS pressure sensor with media isolation",
                  "Wafer-level packaging of micromachined pressure sensor for automotive",
                  "Temperature drift compensation of silicon pressure sensor")))),
    # -- joining and additive manufacturing -----------------------------------------------------
    Topic("welding", "manufacturing", "Mechanical Engineering",
          ("laser welding", "welding of aluminium structures"),
          ("laser welding", "aluminum alloy", "weld porosity", "seam tracking",
           "battery tray", "welding robot"),
          (Facet("porosity in laser-welded aluminium",
                 Need("Porosity in laser welds of aluminium battery trays",
                      "Our laser-welded aluminium battery trays leak because of pores in the welds.",
                      ("laser welds", "aluminium", "porosity"),
                      "Porosity under 1% of weld volume; leak-tight at 0.3 bar."),
                 ("Keyhole-induced porosity in laser welding of aluminum alloy",
                  "Beam oscillation laser welding to suppress pores in 6xxx aluminum",
                  "X-ray imaging of keyhole dynamics during laser welding")),
           Facet("seam tracking for robot welding",
                 Need("Weld seams are missed by our welding robots",
                      "Parts vary by 1-2 mm so our robotic welders miss seams; teaching each part "
                      "takes too long.",
                      ("robotic welding", "seam tracking"),
                      "Seam tracking within 0.2 mm at 1 m/min."),
                 ("Laser vision seam tracking for robotic arc welding",
                  "Weld seam recognition from structured light images",
                  "Adaptive path correction of welding robot")))),
    Topic("am", "manufacturing", "Mechanical Engineering",
          ("metal additive manufacturing", "laser powder bed fusion"),
          ("additive manufacturing", "laser powder bed fusion", "melt pool monitoring",
           "residual stress", "titanium alloy", "3D printing"),
          (Facet("process monitoring and porosity",
                 Need("Finding porosity while 3D-printing titanium parts",
                      "We print titanium implants by laser powder-bed fusion and find pores only "
                      "in CT after printing.",
                      ("metal 3D printing", "porosity", "in-situ monitoring"),
                      "Detect lack-of-fusion pores over 100 um during the build."),
                 ("In situ melt pool monitoring for laser powder bed fusion",
                  "Lack of fusion porosity in additively manufactured Ti-6Al-4V",
                  "Acoustic emission monitoring of additive manufacturing defects")),
           Facet("residual stress and distortion",
                 Need("Distorted thin-walled parts from metal printing",
                      "Thin-walled Inconel parts printed by our printers distort and crack when "
                      "removed from the build plate.",
                      ("residual stresses", "distortion", "Inconel"),
                      "Distortion under 0.1 mm on a 200 mm part."),
                 ("Residual stress prediction in laser powder bed fusion by thermo-mechanical simulation",
                  "Scan strategy effects on distortion of additively manufactured Inconel 718",
                  "Support structure optimisation to reduce residual stress")))),
    # -- water and air ----------------------------------------------------------------------
    Topic("membrane", "environment", "Environmental Engineering",
          ("membrane wastewater treatment", "membrane separation for industrial water"),
          ("membrane fouling", "reverse osmosis", "membrane bioreactor", "MBR",
           "zero liquid discharge", "desalination"),
          (Facet("membrane fouling control",
                 Need("Fouled membranes in our MBR for dyeing wastewater",
                      "The membrane bioreactor treating our dyeing effluent fouls within weeks and "
                      "chemical cleaning is frequent.",
                      ("membrane bioreactors", "fouling", "dyeing wastewater"),
                      "Cleaning interval over 3 months at 20 LMH flux."),
                 ("Fouling mechanisms of membrane bioreactor treating textile wastewater",
                  "Antifouling hydrophilic membrane modification with zwitterionic polymers",
                  "Quorum quenching for biofouling control in MBR")),
           Facet("brine concentration and zero liquid discharge",
                 Need("Concentrating high-salinity brines towards zero discharge",
                      "Our coal chemical plant must reach zero liquid discharge; reverse-osmosis "
                      "concentrate scales and evaporators cost too much.",
                      ("zero liquid discharge", "brine", "reverse osmosis"),
                      "Recovery over 95%; energy use under 15 kWh per m3."),
                 ("High-pressure reverse osmosis for brine concentration",
                  "Gypsum scaling of reverse osmosis membranes in zero liquid discharge",
                  "Electrodialysis and membrane distillation for high salinity wastewater")))),
    Topic("voc", "environment", "Environmental Engineering",
          ("VOCs abatement", "volatile organic compound emission control"),
          ("volatile organic compounds", "VOCs", "catalytic oxidation", "adsorption",
           "activated carbon", "zeolite"),
          (Facet("catalytic oxidation of VOCs",
                 Need("Catalysts for burning solvent emissions at lower temperatures",
                      "Our paint shop's regenerative catalytic oxidiser needs 350 C; we want "
                      "catalysts that destroy toluene and ethyl acetate at lower temperature.",
                      ("VOC catalysts", "catalytic oxidizers", "paint shop"),
                      "T90 below 250 C for toluene; 8,000 h catalyst life."),
                 ("Low temperature catalytic oxidation of toluene over Pt/CeO2",
                  "Manganese oxide catalyst for volatile organic compound combustion",
                  "Chlorine poisoning of catalysts in VOC oxidation")),
           Facet("adsorption and concentration",
                 Need("Adsorbing low-concentration VOC emissions from printing",
                      "Our printing halls emit large air flows with low solvent concentration; "
                      "activated carbon beds saturate quickly.",
                      ("adsorbents", "VOCs", "rotor concentrator"),
                      "Removal over 90% at 50,000 m3/h; regenerable adsorbent."),
                 ("Hydrophobic zeolite rotor concentrator for VOCs adsorption",
                  "Activated carbon adsorption and thermal regeneration for organic solvent",
                  "Competitive adsorption of volatile organic compounds under humidity")))),
    # -- condition monitoring ----------------------------------------------------------------
    Topic("bearing", "monitoring", "Mechanical Engineering",
          ("fault diagnosis of rotating machinery", "predictive maintenance"),
          ("fault diagnosis", "rolling bearing", "vibration analysis",
           "remaining useful life", "gearbox", "prognostics"),
          (Facet("bearing fault diagnosis from vibration",
                 Need("Diagnosing bearing faults in our rolling mills",
                      "Bearings in our rolling mill fail without warning; we have vibration "
                      "sensors but nobody can read the spectra.",
                      ("bearing faults", "vibration", "diagnostics"),
                      "Faults flagged 2 weeks ahead; false alarms under 5%."),
                 ("Envelope spectrum analysis for rolling bearing fault diagnosis",
                  "Deep transfer learning for bearing fault diagnosis under variable speed",
                  "Vibration signal denoising with sparse decomposition for fault detection")),
           Facet("remaining useful life prediction",
                 Need("Predicting remaining life of gearboxes in mining conveyors",
                      "We want to schedule gearbox overhauls from predicted remaining useful life "
                      "instead of fixed intervals.",
                      ("remaining useful life", "gearboxes", "predictive maintenance"),
                      "RUL error under 15% in the last 30 days."),
                 ("Remaining useful life prediction of gearbox with LSTM networks",
                  "Health indicator construction for degradation prognostics",
                  "Particle filter based prognostics of rotating machinery")))),
    Topic("wind", "monitoring", "Civil Engineering",
          ("structural health monitoring of wind turbines", "wind turbine blade monitoring"),
          ("structural health monitoring", "wind turbine blade", "acoustic emission",
           "damage detection", "icing", "SCADA data"),
          (Facet("blade damage detection",
                 Need("Detecting cracks in wind-turbine blades before they fail",
                      "Our wind farm has lost two blades to undetected cracks in the trailing edge.",
                      ("blade cracks", "damage detection", "wind turbines"),
                      "Cracks of 50 mm detected on operating turbines."),
                 ("Acoustic emission monitoring of wind turbine blade damage",
                  "Guided wave damage detection in composite blades",
                  "Drone-based visual inspection of wind turbine blade cracking")),
           Facet("blade icing detection",
                 Need("Icing on blades of turbines in cold regions",
                      "Turbines in our mountain wind farms ice up; we lose output and risk ice "
                      "throw.",
                      ("blade icing", "cold climate", "wind farms"),
                      "Ice detected within 30 min using existing SCADA signals."),
                 ("Wind turbine blade icing detection from SCADA data",
                  "Power curve deviation as indicator of blade icing",
                  "Electrothermal de-icing system for wind turbine blade")))),
    # -- industrial networks -------------------------------------------------------------------
    Topic("5g", "networks", "Communication Engineering",
          ("private 5G networks for industry", "industrial wireless communication"),
          ("5G", "URLLC", "private network", "time-sensitive networking", "network slicing",
           "industrial wireless"),
          (Facet("low-latency 5G for motion control",
                 Need("Low-latency wireless links for motion control on our shop floor",
                      "We want to replace the cables to our AGVs and robot cells with 5G, but "
                      "latency jitter breaks motion control.",
                      ("5G", "low latency", "motion control"),
                      "Latency under 5 ms at 99.999% reliability."),
                 ("URLLC scheduling for industrial motion control over 5G",
                  "Integration of 5G with time-sensitive networking",
                  "Network slicing for mixed-criticality factory traffic")),
           Facet("coverage and positioning in factories",
                 Need("Coverage and positioning of 5G in a steel plant",
                      "Metal structures cause dead spots; we also want to locate vehicles indoors.",
                      ("indoor coverage", "positioning", "5G private network"),
                      "Coverage 99% of floor area; positioning within 1 m."),
                 ("Indoor radio propagation in metal-rich factory environments",
                  "5G positioning with time difference of arrival indoors",
                  "Distributed antenna planning for private 5G")))),
    Topic("wsn", "networks", "Communication Engineering",
          ("low-power wireless sensor networks", "industrial Internet of Things nodes"),
          ("wireless sensor network", "LoRa", "energy harvesting", "low power",
           "IoT", "sensor node"),
          (Facet("energy-harvesting sensor nodes",
                 Need("Self-powered wireless sensing on pipelines",
                      "We want wireless sensing along 200 km of pipeline without changing batteries.",
                      ("energy harvesting", "wireless sensing", "pipelines"),
                      "Node powered by harvesting only; reading every 10 min."),
                 ("Thermoelectric energy harvesting for wireless sensor node",
                  "Vibration energy harvester powering industrial IoT sensors",
                  "Power management for batteryless sensor nodes")),
           Facet("long-range low-power links",
                 Need("Battery life of our LoRa sensors is too short",
                      "Our LoRaWAN sensors in cold stores last 8 months instead of 5 years.",
                      ("LoRaWAN", "battery life", "sensors"),
                      "5-year battery life at one reading per 15 min."),
                 ("Adaptive data rate for energy-efficient LoRa networks",
                  "Duty cycling and battery lifetime of wireless sensor nodes",
                  "Long range low power wide area network for cold chain monitoring")))),
)

# Profiles that share only generic words or a homonym with the topics: "state", "battery"
# (a test battery), "vision" (a company vision), "coating" (chocolate), "network", "welding"
# (of ideas), "cells" (biology), "membrane" (cell biology), "stress" (psychology).
DISTRACTORS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str, tuple[str, ...]], ...] = (
    ("Psychology", ("cognitive test battery", "working memory"),
     "Professor of psychology. Develops a test battery for cognitive assessment of older adults.",
     ("Validation of a cognitive test battery for older adults",
      "Working memory and stress in shift workers")),
    ("Management", ("corporate vision", "strategy"),
     "Researcher in strategic management: how a corporate vision shapes innovation performance.",
     ("Corporate vision statements and innovation performance",
      "State ownership and management systems in industrial firms")),
    ("Food Science", ("chocolate coating", "confectionery"),
     "Food scientist working on coatings and glazing of confectionery products.",
     ("Fat bloom in chocolate coating of confectionery",
      "Sugar coating process optimisation for tablets and sweets")),
    ("Sociology", ("social networks", "community"),
     "Sociologist studying social networks and trust in industrial towns.",
     ("Social network structure of migrant workers in manufacturing towns",
      "Community resilience after factory closures")),
    ("Cell Biology", ("cell membrane", "stem cells"),
     "Biologist studying cell membrane transport and stem cells.",
     ("Membrane transport proteins in stem cells",
      "Oxidative stress response of cells under hypoxia")),
    ("Economics", ("energy policy", "electricity markets"),
     "Economist working on energy policy, electricity markets and hydrogen strategy.",
     ("Carbon pricing and electricity market design",
      "Policy scenarios for a hydrogen economy")),
    ("Education", ("engineering education", "curriculum design"),
     "Works on engineering education and project-based learning in manufacturing programmes.",
     ("Project-based learning in manufacturing engineering programmes",
      "Assessment of welding training with virtual reality")),
    ("Law", ("intellectual property", "technology transfer"),
     "Lawyer specialising in intellectual property and technology transfer contracts.",
     ("Patent licensing in university technology transfer",
      "Liability for autonomous vehicles under product law")),
    ("Architecture", ("building design", "daylighting"),
     "Architect researching daylighting and facade design of office buildings.",
     ("Daylighting performance of office facades",
      "Glass coating and thermal comfort in buildings")),
    ("Statistics", ("time series", "Bayesian inference"),
     "Statistician developing methods for time series and Bayesian state space models.",
     ("Bayesian inference for state space models",
      "Forecasting with hierarchical time series")),
    ("Logistics", ("supply chain", "warehouse operations"),
     "Works on supply chain planning, warehouse operations and transport scheduling.",
     ("Warehouse order picking with mobile robots",
      "Inventory optimisation in multi-echelon supply chains")),
    ("Music", ("acoustics", "instrument design"),
     "Musicologist and acoustician studying instrument design and room acoustics.",
     ("Acoustic emission of violin plates during carving",
      "Room acoustics of concert halls")),
    ("Marketing", ("consumer behaviour", "brand management"),
     "Marketing researcher on consumer behaviour towards electric vehicles and batteries.",
     ("Consumer acceptance of battery electric vehicles",
      "Brand trust in smart home devices")),
    ("Public Health", ("occupational health", "air quality"),
     "Public health researcher on occupational exposure and indoor air quality in factories.",
     ("Occupational exposure of painters to organic solvents",
      "Indoor air quality and respiratory health of workers")),
)

# Forms an expert's texts may use instead of each other (make_en_dataset swaps each occurrence
# with probability 1/2 per expert): plurals, British and American spellings, hyphenation.
# Needs keep the inventory's wording, so an expert's form often differs from the need's.
VARIANTS: tuple[tuple[str, str], ...] = (
    ("coating", "coatings"), ("catalyst", "catalysts"), ("sensor", "sensors"),
    ("battery", "batteries"), ("membrane", "membranes"), ("electrolyte", "electrolytes"),
    ("module", "modules"), ("blade", "blades"), ("bearing", "bearings"), ("network", "networks"),
    ("node", "nodes"), ("weld", "welds"), ("gyroscope", "gyroscopes"), ("turbine", "turbines"),
    ("anode", "anodes"), ("cathode", "cathodes"), ("defect", "defects"), ("stack", "stacks"),
    ("pipeline", "pipelines"), ("inverter", "inverters"), ("vehicle", "vehicles"),
    ("electrolyzer", "electrolysers"), ("aluminum", "aluminium"), ("optimization", "optimisation"),
    ("solid state", "solid-state"), ("lithium-ion", "lithium ion"), ("point cloud", "point-cloud"),
    ("wind turbine", "wind-turbine"), ("fuel cell", "fuel-cell"), ("laser welding", "laser-welding"),
    ("detection", "detecting"), ("monitoring", "monitored"), ("prediction", "predicting"),
    ("diagnosis", "diagnosing"), ("inspection", "inspecting"), ("adsorption", "adsorbing"),
    ("oxidation", "oxidising"), ("degradation", "degrading"), ("corrosion", "corroding"),
)

RANKS = ("Professor", "Associate Professor", "Senior Lecturer", "Research Fellow",
         "Principal Engineer", "Chief Scientist")
ORGS = ("a technical university", "a national laboratory", "an applied research institute",
        "an engineering company", "a university of science and technology", "an industry R&D centre")
GENERIC = ("Has led many industrial projects on system optimisation and performance improvement.",
           "Interested in novel methods, advanced technologies and their industrial applications.",
           "Experience in research, development, design and testing of engineering systems.",
           "Supervises doctoral students and collaborates widely with industry.")
