"""Demo data for `flask seed-demo`: written for this demo, not real companies."""

# 机构：企业、高校、科研院所、新型研发机构及市科技局本身。
# 统一社会信用代码均按 GB 32100-2015 计算校验位，但机构与代码均为虚构。
ORGANIZATIONS = [
    # ---- 企业 ----
    {
        "key": "hx_material",
        "name": "华东新材科技股份有限公司",
        "type": "enterprise",
        "region": "示范市高新区",
        "credit_code": "91320500MA1N7K3Q2B",
    },
    {
        "key": "xc_semi",
        "name": "芯成微电子封装测试有限公司",
        "type": "enterprise",
        "region": "示范市高新区",
        "credit_code": "91320594MA1R2D8X51",
    },
    {
        "key": "jh_auto",
        "name": "江恒汽车零部件有限公司",
        "type": "enterprise",
        "region": "示范市经开区",
        "credit_code": "91320505MA20B6LT87",
    },
    {
        "key": "ht_textile",
        "name": "恒泰非织造材料有限公司",
        "type": "enterprise",
        "region": "示范市东江区",
        "credit_code": "91320506MA1MX4P73G",
    },
    {
        "key": "zg_bearing",
        "name": "中固特钢轴承股份有限公司",
        "type": "enterprise",
        "region": "示范市沿江区",
        "credit_code": "91320507MA1TJ9C05B",
    },
    {
        "key": "kq_pharma",
        "name": "康桥生物医药有限公司",
        "type": "enterprise",
        "region": "示范市高新区",
        "credit_code": "91320594MA21E3H6GB",
    },
    {
        "key": "xn_battery",
        "name": "新能储能电池科技有限公司",
        "type": "enterprise",
        "region": "示范市经开区",
        "credit_code": "91320505MA1WQ0R8KE",
    },
    {
        "key": "nf_agri",
        "name": "农丰智能农业装备有限公司",
        "type": "enterprise",
        "region": "示范市北湖区",
        "credit_code": "91320509MA1X5N2J40",
    },
    {
        "key": "lh_env",
        "name": "绿禾环境工程有限公司",
        "type": "enterprise",
        "region": "示范市临江县",
        "credit_code": "91320583MA1P8U6D19",
    },
    {
        "key": "rs_software",
        "name": "睿思工业软件有限公司",
        "type": "enterprise",
        "region": "示范市高新区",
        "credit_code": "91320594MA22AF5W7C",
    },
    {
        "key": "jk_medical",
        "name": "洁康医疗用品有限公司",
        "type": "enterprise",
        "region": "示范市东江区",
        "credit_code": "91320506MA1Y3F7H2A",
    },
    {
        "key": "jy_lens",
        "name": "精宇光学科技有限公司",
        "type": "enterprise",
        "region": "邻省某市",
        "credit_code": "91341100MA2T4G9B3N",
    },
    # ---- 高校 ----
    {
        "key": "jhu",
        "name": "江淮理工大学",
        "type": "university",
        "region": "示范市大学城",
        "credit_code": "12320000466003581H",
    },
    {
        "key": "dzu",
        "name": "东州大学",
        "type": "university",
        "region": "示范市大学城",
        "credit_code": "12320500466017249K",
    },
    {
        "key": "slu",
        "name": "滨湖科技大学",
        "type": "university",
        "region": "邻省某市",
        "credit_code": "12340000485951032Q",
    },
    # ---- 科研院所 ----
    {
        "key": "amt",
        "name": "省先进制造技术研究院",
        "type": "institute",
        "region": "示范市高新区",
        "credit_code": "12320500MB1C47320X",
    },
    {
        "key": "ibm",
        "name": "示范市生物医药技术研究院",
        "type": "institute",
        "region": "示范市高新区",
        "credit_code": "12320500MB0P689135",
    },
    {
        "key": "env_inst",
        "name": "省环境科学研究院",
        "type": "institute",
        "region": "省会某市",
        "credit_code": "12320000466110785X",
    },
    # ---- 第三方专业机构（科技局委托的检验检测机构） ----
    {
        "key": "qa_inst",
        "name": "示范市产品质量检验研究院",
        "type": "institute",
        "region": "示范市高新区",
    },
    # ---- 其他：新型研发机构 ----
    {
        "key": "innov_center",
        "name": "示范市长三角智能制造创新中心",
        "type": "other",
        "region": "示范市经开区",
        "credit_code": "52320500MJ5K380163",
    },
    # ---- 市科技局（管理方） ----
    {
        "key": "bureau",
        "name": "示范市科学技术局",
        "type": "other",
        "region": "示范市",
        "credit_code": "11320500014161739U",
    },
]

# 单位认证与成员审核的演示：一家刚注册、待科技局认证的企业（已上传营业执照，其注册人为单位管理员），
# 以及一位申请加入东州大学、待其单位管理员（solver2）审核的揭榜方。
PENDING_ORGANIZATIONS = [
    {
        "key": "qm_robot",
        "name": "启明智能装备有限公司",
        "type": "enterprise",
        "region": "示范市经开区",
        "credit_code": "91320500MA2Q6H9T1H",
        "licence": "启明智能装备-营业执照.pdf",
    },
]
PENDING_USERS = [
    {"email": "orgadmin@demo.cn", "name": "蒋一帆", "role": "enterprise", "org": "qm_robot", "password": "demo-pass-2026",
     "label": "待认证单位的管理员"},
    {"email": "applicant@demo.cn", "name": "方晓东", "role": "solver", "org": None, "join": "dzu", "password": "demo-pass-2026",
     "note": "东州大学材料学院讲师，申请以本校名义揭榜。", "label": "待审核加入东州大学"},
]

# 演示账号。除管理员外，密码均为 demo-pass-2026。
USERS = [
    {"email": "admin@demo.cn", "name": "周立新", "role": "admin", "org": "bureau", "password": "bureau-pass-2026"},
    # ---- 发榜企业 ----
    {"email": "enterprise1@demo.cn", "name": "陈建华", "role": "enterprise", "org": "hx_material", "password": "demo-pass-2026"},
    {"email": "enterprise2@demo.cn", "name": "王丽萍", "role": "enterprise", "org": "ht_textile", "password": "demo-pass-2026"},
    {"email": "enterprise3@demo.cn", "name": "刘志强", "role": "enterprise", "org": "xc_semi", "password": "demo-pass-2026"},
    {"email": "enterprise4@demo.cn", "name": "张国栋", "role": "enterprise", "org": "zg_bearing", "password": "demo-pass-2026"},
    {"email": "enterprise5@demo.cn", "name": "赵雪梅", "role": "enterprise", "org": "xn_battery", "password": "demo-pass-2026"},
    {"email": "enterprise6@demo.cn", "name": "孙海涛", "role": "enterprise", "org": "kq_pharma", "password": "demo-pass-2026"},
    {"email": "enterprise7@demo.cn", "name": "黄振宇", "role": "enterprise", "org": "jh_auto", "password": "demo-pass-2026"},
    {"email": "enterprise8@demo.cn", "name": "吴秀兰", "role": "enterprise", "org": "nf_agri", "password": "demo-pass-2026"},
    {"email": "enterprise9@demo.cn", "name": "郑凯", "role": "enterprise", "org": "lh_env", "password": "demo-pass-2026"},
    {"email": "enterprise10@demo.cn", "name": "何文博", "role": "enterprise", "org": "rs_software", "password": "demo-pass-2026"},
    {"email": "enterprise11@demo.cn", "name": "林晓燕", "role": "enterprise", "org": "jk_medical", "password": "demo-pass-2026"},
    # ---- 揭榜方 ----
    {"email": "solver1@demo.cn", "name": "徐明远", "role": "solver", "org": "jhu", "password": "demo-pass-2026"},
    {"email": "solver2@demo.cn", "name": "马骏", "role": "solver", "org": "dzu", "password": "demo-pass-2026"},
    {"email": "solver3@demo.cn", "name": "宋佳怡", "role": "solver", "org": "amt", "password": "demo-pass-2026"},
    {"email": "solver4@demo.cn", "name": "高鹏", "role": "solver", "org": "innov_center", "password": "demo-pass-2026"},
    {"email": "solver5@demo.cn", "name": "唐慧敏", "role": "solver", "org": "ibm", "password": "demo-pass-2026"},
    {"email": "solver6@demo.cn", "name": "韩磊", "role": "solver", "org": "slu", "password": "demo-pass-2026"},
    # ---- 评审专家 ----
    {"email": "reviewer1@demo.cn", "name": "李振华", "role": "reviewer", "org": "jhu", "password": "demo-pass-2026"},
    {"email": "reviewer2@demo.cn", "name": "冯建国", "role": "reviewer", "org": "amt", "password": "demo-pass-2026"},
    {"email": "reviewer3@demo.cn", "name": "曹文静", "role": "reviewer", "org": "env_inst", "password": "demo-pass-2026"},
    {"email": "reviewer4@demo.cn", "name": "邓晓峰", "role": "reviewer", "org": "dzu", "password": "demo-pass-2026"},
    {"email": "reviewer5@demo.cn", "name": "钱淑芬", "role": "reviewer", "org": "innov_center", "password": "demo-pass-2026"},
    {"email": "reviewer6@demo.cn", "name": "罗志明", "role": "reviewer", "org": "slu", "password": "demo-pass-2026"},
    # ---- 第三方专业机构（与管理员一样，首次登录时开启两步验证） ----
    {"email": "body1@demo.cn", "name": "刘检", "role": "body", "org": "qa_inst", "password": "demo-pass-2026"},
]

# 专家库：每位揭榜方、评审专家各一份档案，另有未注册账号的专家供匹配推荐使用。
EXPERTS = [
    # ---- 揭榜方账号对应的专家档案 ----
    {
        "user": "solver1@demo.cn",
        "name": "徐明远",
        "title": "教授",
        "org": "jhu",
        "fields": ["新材料", "生物医药"],
        "keywords": ["熔喷非织造布", "驻极", "聚丙烯改性", "纳米纤维", "亲水涂层", "碳纤维复合材料", "过滤材料"],
        "results": [
            "论文：聚丙烯熔喷非织造材料驻极电荷衰减机理与热稳定性研究",
            "发明专利：一种含无机驻极体的高效低阻熔喷过滤材料及其制备方法",
            "发明专利：一种医用高分子导管表面亲水润滑涂层及其紫外固化方法",
            "项目：省重点研发计划“高性能空气过滤材料关键技术”（负责人）",
        ],
        "bio": "江淮理工大学材料科学与工程学院教授，长期从事高分子非织造材料与功能涂层研究，主持省部级项目 10 余项，与多家纺织、医疗器械企业开展熔喷过滤材料产业化合作。",
    },
    {
        "user": "solver2@demo.cn",
        "name": "马骏",
        "title": "副教授",
        "org": "dzu",
        "fields": ["集成电路", "电子信息"],
        "keywords": ["先进封装", "功率模块", "银烧结", "焊层空洞", "热循环可靠性", "有限元仿真", "键合线"],
        "results": [
            "论文：SiC 功率模块纳米银烧结层热机械疲劳寿命预测",
            "论文：真空回流焊工艺参数对 IGBT 模块焊层空洞率的影响",
            "发明专利：一种功率模块双面散热封装结构",
            "项目：国家自然科学基金青年项目“宽禁带功率器件封装互连失效机理”",
        ],
        "bio": "东州大学集成电路学院副教授，研究方向为功率器件封装与可靠性，熟悉 AEC-Q101、AQG 324 车规级认证体系，参与过多款车用功率模块的失效分析与工艺优化。",
    },
    {
        "user": "solver3@demo.cn",
        "name": "宋佳怡",
        "title": "高级工程师",
        "org": "amt",
        "fields": ["高端装备", "电子信息"],
        "keywords": ["机器视觉", "表面缺陷检测", "深度学习", "小样本学习", "光学成像方案", "工业相机", "在线检测"],
        "results": [
            "论文：基于小样本迁移学习的金属表面微小缺陷检测方法",
            "软件著作权：多工位工业视觉缺陷检测平台 V2.0",
            "发明专利：一种高反光曲面工件的多角度结构光照明检测装置",
            "项目：市级重大科技专项“汽车零部件智能质检系统研制与示范”",
        ],
        "bio": "省先进制造技术研究院智能检测研究所副所长，带领团队开发的视觉检测系统已在轴承、压铸、冲压等 20 余条产线应用，擅长高反光金属表面成像与缺陷识别。",
    },
    {
        "user": "solver4@demo.cn",
        "name": "高鹏",
        "title": "研究员",
        "org": "innov_center",
        "fields": ["电子信息", "高端装备"],
        "keywords": ["工业软件", "几何建模内核", "CAD", "B-rep", "约束求解", "边缘计算", "工业视觉"],
        "results": [
            "论文：面向 B-rep 实体的鲁棒布尔运算容差处理方法",
            "软件著作权：参数化几何约束求解引擎 V1.3",
            "项目：省工业软件攻关项目“三维几何建模内核关键技术研究”",
            "发明专利：一种基于边缘计算的产线视觉检测模型在线更新方法",
        ],
        "bio": "示范市长三角智能制造创新中心工业软件团队负责人，曾在国外 CAD 厂商从事几何内核研发 8 年，熟悉实体建模、曲面求交与参数化约束求解。",
    },
    {
        "user": "solver5@demo.cn",
        "name": "唐慧敏",
        "title": "研究员",
        "org": "ibm",
        "fields": ["生物医药"],
        "keywords": ["CHO 细胞", "细胞株构建", "无血清培养基", "单克隆抗体", "补料分批培养", "生物反应器", "工艺放大"],
        "results": [
            "论文：CHO 细胞高表达稳定株的快速筛选策略及其在抗体生产中的应用",
            "发明专利：一种化学成分限定的 CHO 细胞无血清培养基",
            "项目：市生物医药产业创新专项“抗体药物上游工艺平台建设”",
        ],
        "bio": "示范市生物医药技术研究院抗体工程平台主任，主持建立了 CHO 细胞株开发与 2000 L 规模工艺放大平台，服务 30 余家创新药企。",
    },
    {
        "user": "solver6@demo.cn",
        "name": "韩磊",
        "title": "教授",
        "org": "slu",
        "fields": ["新能源", "新材料"],
        "keywords": ["固态电池", "硫化物电解质", "界面修饰", "锂金属负极", "磷酸铁锂", "低温电解液", "电化学阻抗"],
        "results": [
            "论文：硫化物固态电解质与高镍正极界面副反应抑制的包覆策略",
            "论文：宽温域磷酸铁锂电池电解液添加剂设计",
            "发明专利：一种 Li6PS5Cl 电解质的空气稳定化改性方法",
            "项目：国家重点研发计划课题“全固态锂电池界面工程”",
        ],
        "bio": "滨湖科技大学能源材料研究中心教授、博士生导师，研究方向为固态电池与宽温域锂离子电池，发表 SCI 论文 80 余篇，授权发明专利 25 项。",
    },
    # ---- 评审专家账号对应的专家档案 ----
    {
        "user": "reviewer1@demo.cn",
        "name": "李振华",
        "title": "教授",
        "org": "jhu",
        "fields": ["新材料", "高端装备"],
        "keywords": ["轴承钢", "洁净钢冶炼", "非金属夹杂物", "真空脱气", "热处理", "疲劳寿命"],
        "results": [
            "论文：高碳铬轴承钢中 D 类夹杂物形成机理及钙处理控制",
            "专著：《特殊钢冶炼与洁净度控制》",
            "项目：国家科技支撑计划课题“高端轴承用钢关键冶金技术”",
        ],
        "bio": "江淮理工大学冶金工程学院教授，从事特殊钢冶金与质量控制研究 30 年，曾任省冶金学会副理事长，多次担任省市科技计划项目评审专家。",
    },
    {
        "user": "reviewer2@demo.cn",
        "name": "冯建国",
        "title": "研究员",
        "org": "amt",
        "fields": ["高端装备", "新材料"],
        "keywords": ["精密制造", "铝合金压铸", "复合材料成型", "数字化工艺", "农机装备", "质量工程"],
        "results": [
            "项目：省重大科技成果转化项目“大型薄壁铝合金结构件压铸工艺”",
            "发明专利：一种高真空压铸模具排气结构",
            "论文：碳纤维增强复合材料快速模压成型工艺窗口研究",
        ],
        "bio": "省先进制造技术研究院总工程师，长期从事成形制造工艺与装备研究，熟悉汽车、农机和航空零部件的工艺开发与产业化评价。",
    },
    {
        "user": "reviewer3@demo.cn",
        "name": "曹文静",
        "title": "正高级工程师",
        "org": "env_inst",
        "fields": ["节能环保"],
        "keywords": ["高盐废水", "零排放", "MVR 蒸发", "分盐结晶", "飞灰处置", "膜浓缩", "环境影响评价"],
        "results": [
            "项目：省环保科研课题“化工园区高盐废水分质分盐与资源化技术”",
            "标准：参与编制地方标准《工业园区废水零排放技术规范》",
            "论文：纳滤分盐-冷冻结晶组合工艺回收硫酸钠的工程实践",
        ],
        "bio": "省环境科学研究院水污染控制研究所所长，主持完成 40 余项工业废水治理工程技术评估，是省生态环境厅技术审查专家库成员。",
    },
    {
        "user": "reviewer4@demo.cn",
        "name": "邓晓峰",
        "title": "教授",
        "org": "dzu",
        "fields": ["集成电路", "电子信息"],
        "keywords": ["晶圆级封装", "扇出型封装", "翘曲", "再布线层", "系统级封装", "可靠性评价"],
        "results": [
            "论文：扇出型晶圆级封装塑封翘曲的多物理场仿真与补偿",
            "项目：国家科技重大专项子课题“高密度三维集成封装工艺”",
            "发明专利：一种降低晶圆重构翘曲的临时键合方法",
        ],
        "bio": "东州大学集成电路学院院长，国家集成电路封测产业链技术创新战略联盟专家委员，主要从事先进封装工艺与可靠性研究。",
    },
    {
        "user": "reviewer5@demo.cn",
        "name": "钱淑芬",
        "title": "高级工程师",
        "org": "innov_center",
        "fields": ["新能源", "节能环保"],
        "keywords": ["储能系统", "电池安全", "热失控", "电池管理系统", "低温性能", "储能电站"],
        "results": [
            "标准：参与起草团体标准《电化学储能电站用锂离子电池安全要求》",
            "论文：磷酸铁锂储能电池热失控传播特性试验研究",
            "项目：市重点研发计划“工商业储能系统安全预警技术”",
        ],
        "bio": "示范市长三角智能制造创新中心能源技术部主任，曾在头部电池企业从事电芯开发与测试验证 12 年，熟悉动力及储能电池测试标准与量产工艺。",
    },
    {
        "user": "reviewer6@demo.cn",
        "name": "罗志明",
        "title": "教授",
        "org": "slu",
        "fields": ["生物医药"],
        "keywords": ["药物制剂", "连续制造", "过程分析技术", "生物药质量控制", "医疗器械评价", "GMP"],
        "results": [
            "论文：近红外光谱在线监测口服固体制剂混合均匀度的方法学验证",
            "项目：省药品监管科学研究课题“连续制造工艺的质量控制策略”",
            "专著：《药物制剂工程》（第二版）",
        ],
        "bio": "滨湖科技大学药学院教授，省药品审评专家，研究方向为药物制剂工程与质量源于设计（QbD），熟悉药品和医疗器械注册技术要求。",
    },
    # ---- 未注册账号的专家（用于匹配推荐） ----
    {
        "user": None,
        "name": "朱红梅",
        "title": "研究员",
        "org": "省纺织科学研究院",
        "fields": ["新材料"],
        "keywords": ["熔喷工艺", "驻极母粒", "静电驻极", "水驻极", "过滤效率", "呼吸阻力", "非织造布"],
        "results": [
            "论文：水驻极与电晕驻极复合工艺对熔喷布过滤性能的影响",
            "发明专利：一种高熔指聚丙烯熔喷专用驻极母粒",
            "论文：医用口罩熔喷层细菌过滤效率与颗粒过滤效率的相关性研究",
        ],
        "bio": "省纺织科学研究院非织造材料研究室主任，专注熔喷、纺粘及 SMS 复合非织造工艺，曾指导多条熔喷生产线调试达产。",
    },
    {
        "user": None,
        "name": "胡德明",
        "title": "正高级工程师",
        "org": "北方特种钢铁研究院",
        "fields": ["新材料"],
        "keywords": ["轴承钢", "氧含量控制", "钛含量", "RH 精炼", "连铸", "夹杂物评级", "超声探伤"],
        "results": [
            "项目：高铁轴承用 GCr15 钢纯净化冶炼工艺开发",
            "论文：RH 真空处理时间对轴承钢全氧含量及 Ds 类夹杂物的影响",
            "发明专利：一种低钛高洁净轴承钢的冶炼方法",
        ],
        "bio": "北方特种钢铁研究院特殊钢事业部首席专家，从业 25 年，主导开发的高洁净轴承钢已批量用于风电、机床主轴轴承。",
    },
    {
        "user": None,
        "name": "沈一帆",
        "title": "研究员",
        "org": "slu",
        "fields": ["新能源"],
        "keywords": ["固态电解质", "卤化物电解质", "正极包覆", "界面阻抗", "干法电极", "叠片工艺"],
        "results": [
            "论文：LiNbO3 包覆层厚度对硫化物全固态电池循环性能的影响",
            "发明专利：一种全固态电池用复合正极及其干法制备工艺",
        ],
        "bio": "滨湖科技大学能源材料研究中心研究员，研究固态电池正极界面工程与干法电极工艺，参与建设固态电池中试线。",
    },
    {
        "user": None,
        "name": "彭立",
        "title": "高级工程师",
        "org": "江南功率半导体研究所",
        "fields": ["集成电路"],
        "keywords": ["IGBT 模块", "SiC MOSFET", "DBC 基板", "AMB 基板", "超声扫描", "功率循环", "铜线键合"],
        "results": [
            "项目：车用 750 V / 820 A IGBT 模块封装工艺开发",
            "论文：AMB 氮化硅基板功率模块温度循环失效分析",
            "发明专利：一种功率模块铜线键合参数自适应优化方法",
        ],
        "bio": "江南功率半导体研究所封装工艺部部长，负责多款车规级功率模块从设计到 AQG 324 认证的全流程工艺开发。",
    },
    {
        "user": None,
        "name": "吕思远",
        "title": "副教授",
        "org": "dzu",
        "fields": ["集成电路"],
        "keywords": ["扇出型封装", "环氧塑封料", "晶圆翘曲", "临时键合", "再布线层", "芯片偏移"],
        "results": [
            "论文：低应力环氧塑封料对 FOWLP 重构晶圆翘曲的抑制机理",
            "论文：塑封过程芯片偏移（die shift）的预测与补偿",
        ],
        "bio": "东州大学集成电路学院副教授，从事晶圆级封装材料与工艺研究，与多家封测企业合作开展翘曲控制项目。",
    },
    {
        "user": None,
        "name": "袁静",
        "title": "副研究员",
        "org": "ibm",
        "fields": ["生物医药"],
        "keywords": ["培养基开发", "细胞代谢", "糖型控制", "抗体质量属性", "工艺表征", "一次性生物反应器"],
        "results": [
            "论文：补料策略对 CHO 细胞表达单抗电荷异构体与糖型分布的影响",
            "发明专利：一种用于提高抗体表达量的 CHO 细胞补料培养基",
        ],
        "bio": "示范市生物医药技术研究院上游工艺组组长，专注于培养基国产化开发与抗体关键质量属性控制。",
    },
    {
        "user": None,
        "name": "蒋晨",
        "title": "副教授",
        "org": "jhu",
        "fields": ["生物医药", "新材料"],
        "keywords": ["生物材料", "亲水润滑涂层", "抗菌涂层", "抗凝血", "聚乙烯吡咯烷酮", "表面改性", "细胞毒性"],
        "results": [
            "论文：PVP/聚氨酯互穿网络亲水涂层的摩擦学性能与耐久性",
            "发明专利：一种载银抗菌抗凝血双功能导管涂层",
            "项目：省自然科学基金“医用导管表面多功能涂层构建”",
        ],
        "bio": "江淮理工大学生物医学工程系副教授，研究医用高分子表面改性，熟悉 GB/T 16886 生物相容性评价体系。",
    },
    {
        "user": None,
        "name": "任国强",
        "title": "教授",
        "org": "slu",
        "fields": ["新材料", "高端装备"],
        "keywords": ["碳纤维复合材料", "快速固化环氧", "HP-RTM", "模压成型", "预浸料", "SMC", "热塑性复合材料"],
        "results": [
            "论文：3 min 快速固化环氧树脂体系及其 HP-RTM 成型工艺",
            "项目：省重点研发计划“汽车用碳纤维复合材料低成本制造技术”",
            "发明专利：一种碳纤维片状模塑料及其制备方法",
        ],
        "bio": "滨湖科技大学复合材料研究所所长，长期从事碳纤维复合材料低成本成型工艺研究，与多家主机厂合作开发复合材料车身部件。",
    },
    {
        "user": None,
        "name": "潘海",
        "title": "研究员",
        "org": "env_inst",
        "fields": ["节能环保"],
        "keywords": ["高盐废水", "高级氧化", "DTRO", "MVR", "杂盐资源化", "COD 去除", "膜污染"],
        "results": [
            "项目：煤化工高盐废水近零排放示范工程技术评估",
            "论文：臭氧催化氧化预处理对高盐废水纳滤分盐效果的影响",
            "发明专利：一种杂盐中有机物热解脱除及氯化钠提纯方法",
        ],
        "bio": "省环境科学研究院研究员，研究方向为工业高盐废水处理与资源化，参与设计了 12 项零排放工程。",
    },
    {
        "user": None,
        "name": "秦淑华",
        "title": "高级工程师",
        "org": "省固体废物管理技术中心",
        "fields": ["节能环保"],
        "keywords": ["垃圾焚烧飞灰", "重金属稳定化", "二噁英降解", "水洗脱氯", "水泥窑协同处置", "螯合剂"],
        "results": [
            "论文：生活垃圾焚烧飞灰水洗-水泥窑协同处置的氯平衡分析",
            "标准：参与编制《生活垃圾焚烧飞灰污染控制技术规范》地方配套指南",
        ],
        "bio": "省固体废物管理技术中心技术部副主任，长期从事危险废物与飞灰处置技术评估和监管支撑工作。",
    },
    {
        "user": None,
        "name": "魏小龙",
        "title": "教授",
        "org": "省农业科学院农产品加工研究所",
        "fields": ["现代农业"],
        "keywords": ["果蔬采后保鲜", "差压预冷", "气调包装", "冷链物流", "1-MCP", "货架期预测"],
        "results": [
            "项目：国家重点研发计划课题“果蔬产地预冷与冷链流通保鲜技术”",
            "论文：差压预冷风速对葡萄采后品质与失重率的影响",
            "发明专利：一种移动式果蔬差压预冷装置",
        ],
        "bio": "省农业科学院农产品加工研究所首席专家，研究果蔬采后生理与冷链保鲜技术 20 余年，成果在全省 30 多个产地推广。",
    },
    {
        "user": None,
        "name": "谢永刚",
        "title": "研究员",
        "org": "省农业机械化研究所",
        "fields": ["现代农业", "高端装备"],
        "keywords": ["联合收获机", "丘陵山区农机", "脱粒分离", "割台", "液压无级变速", "智能农机"],
        "results": [
            "项目：丘陵山区履带式小型水稻联合收获机研制",
            "发明专利：一种纵轴流柔性脱粒分离装置",
            "论文：坡地作业条件下小型收获机整机稳定性分析",
        ],
        "bio": "省农业机械化研究所收获机械研究室主任，主持研制的小型履带收获机获省科技进步二等奖。",
    },
    {
        "user": None,
        "name": "邹明辉",
        "title": "教授",
        "org": "dzu",
        "fields": ["电子信息"],
        "keywords": ["计算机辅助设计", "NURBS", "曲面求交", "几何建模内核", "网格生成", "等几何分析"],
        "results": [
            "论文：NURBS 曲面求交的鲁棒追踪算法",
            "项目：国家自然科学基金面上项目“面向工业软件的高精度几何计算理论与方法”",
            "软件著作权：轻量化三维模型显示与几何查询引擎",
        ],
        "bio": "东州大学计算机学院教授，中国图学学会几何设计与计算专委会委员，长期从事 CAD/CAE 几何算法研究。",
    },
    {
        "user": None,
        "name": "石磊",
        "title": "教授",
        "org": "amt",
        "fields": ["新材料", "高端装备"],
        "keywords": ["免热处理铝合金", "一体化压铸", "Al-Si 合金", "韧性", "微合金化", "超大型压铸机"],
        "results": [
            "论文：Mn、Fe 含量对免热处理 Al-Si-Mg 压铸合金延伸率的影响",
            "发明专利：一种高强韧免热处理压铸铝合金及其制备方法",
            "项目：省重大专项“新能源汽车一体化压铸材料与工艺”",
        ],
        "bio": "省先进制造技术研究院轻合金研究中心主任，研究高强韧压铸铝合金成分设计与大型结构件压铸工艺。",
    },
    {
        "user": None,
        "name": "范立群",
        "title": "高级工程师",
        "org": "华南化工新材料研究院",
        "fields": ["新材料", "新能源"],
        "keywords": ["POE", "茂金属催化剂", "聚烯烃弹性体", "光伏胶膜", "体积电阻率", "溶液聚合"],
        "results": [
            "项目：茂金属催化乙烯/1-辛烯共聚弹性体中试工艺开发",
            "论文：POE 光伏封装胶膜体积电阻率与抗 PID 性能的关联",
        ],
        "bio": "华南化工新材料研究院聚烯烃研究室负责人，从事茂金属催化聚烯烃与光伏封装材料研发 15 年。",
    },
    {
        "user": None,
        "name": "熊伟",
        "title": "副研究员",
        "org": "innov_center",
        "fields": ["新能源"],
        "keywords": ["磷酸铁锂", "低温放电", "纳米化", "碳包覆", "电解液", "自加热"],
        "results": [
            "论文：碳包覆厚度与粒径分布对磷酸铁锂 -20 ℃ 放电性能的影响",
            "发明专利：一种适用于低温环境的储能电池脉冲自加热方法",
        ],
        "bio": "示范市长三角智能制造创新中心电池技术研究员，专注磷酸铁锂材料改性与电池低温性能提升。",
    },
    {
        "user": None,
        "name": "金大成",
        "title": "研究员",
        "org": "amt",
        "fields": ["高端装备", "新材料"],
        "keywords": ["风电轴承", "感应淬火", "热处理变形", "渗碳", "残余应力", "大型套圈"],
        "results": [
            "项目：兆瓦级风电主轴轴承套圈热处理变形控制技术",
            "论文：大型轴承套圈淬火变形的有限元预测与工装优化",
            "发明专利：一种大型薄壁套圈压淬工装",
        ],
        "bio": "省先进制造技术研究院热处理与表面工程研究所所长，长期为风电、盾构机轴承企业提供热处理工艺服务。",
    },
    {
        "user": None,
        "name": "陆敏",
        "title": "教授",
        "org": "江南纺织学院",
        "fields": ["新材料"],
        "keywords": ["再生聚酯", "化学法再生", "固相增粘", "纺丝", "染色均匀性", "特性黏度"],
        "results": [
            "论文：瓶片再生聚酯特性黏度波动对细旦纤维纺丝稳定性的影响",
            "项目：省科技成果转化专项“再生聚酯高品质纤维制备技术”",
        ],
        "bio": "江南纺织学院纺织科学与工程学院教授，研究再生纤维与绿色纺织技术，是省纺织产业链专家服务团成员。",
    },
    {
        "user": None,
        "name": "夏雨",
        "title": "副教授",
        "org": "slu",
        "fields": ["生物医药"],
        "keywords": ["连续制造", "PAT", "近红外光谱", "拉曼光谱", "多元统计过程控制", "双螺杆湿法制粒"],
        "results": [
            "论文：基于拉曼光谱的连续直压工艺含量均匀度实时放行",
            "项目：企业委托课题“口服固体制剂连续化生产线工艺验证”",
        ],
        "bio": "滨湖科技大学药学院副教授，研究过程分析技术与连续制造，熟悉 ICH Q13 指导原则。",
    },
]

# 榜单。"summary" 为公开的脱敏描述；"detail" 为保密正文（含工艺参数、失效数据和不得外泄的约束）。
# "state" 为演示数据最终应处于的状态，由 seed 命令按正常流程推进。
CHALLENGES = [
    # ===================== 开放揭榜（open）=====================
    {
        "issuer": "ht_textile",
        "creator": "enterprise2@demo.cn",
        "title": "医用熔喷非织造布高效低阻过滤与驻极稳定性提升",
        # The English face, published worldwide (面向全球发布): the hall in English shows it.
        "title_en": "High-efficiency, low-resistance medical melt-blown nonwovens with stable electret charge",
        "summary_en": (
            "Melt-blown nonwovens for medical face masks and cleanroom filters: at high filtration "
            "efficiency our products still breathe too hard, and the electret charge decays after "
            "hot and humid storage, so premium grades are still imported. We seek materials and "
            "process solutions that raise filtration efficiency, lower breathing resistance and "
            "keep the electret charge stable without a noticeably heavier web."
        ),
        "worldwide": True,
        "kind": "import_substitution",
        "field": "新材料",
        "industry_tags": ["纺织服装产业链", "医用防护", "非织造材料"],
        "summary": (
            "面向医用防护口罩及洁净室过滤器用熔喷非织造布，现有产品在高过滤效率下呼吸阻力偏高，"
            "且驻极电荷在高温高湿储存后衰减明显，高端产品仍依赖进口。"
            "拟征集在不明显增加克重的前提下同时提升过滤效率、降低阻力并提高驻极稳定性的材料与工艺方案。"
        ),
        "detail": (
            "企业现有 3 条 1.6 m 幅宽熔喷线（Φ120 单螺杆挤出机、衣架式模头，喷丝孔径 0.25 mm、孔密度 42 孔/英寸），"
            "原料为熔指 1500 g/10min 均聚聚丙烯，外购驻极母粒添加量 3%，采用两道电晕驻极（-35 kV）。"
            "当前 25 g/m² 产品 NaCl 过滤效率 95.2%–96.8%，阻力 112–128 Pa（85 L/min），"
            "在 70 ℃、80%RH 下老化 24 h 后效率降至 89% 左右。"
            "已尝试水驻极（二手水驻极设备），效率可提升至 98.5%，但烘干能耗高，幅宽方向效率 CV 超过 8%；"
            "调整模头温度、接收距离（DCD）和热风量等常规手段效果有限。"
            "主要下游为某进口口罩品牌的 OEM 代工厂，客户名称、配方及供应商名单不得在任何公开材料中出现。"
            "现有电晕驻极设备与模头不允许大规模改造，配套改造投资上限约 300 万元。"
        ),
        "indicators": [
            {"name": "过滤效率（25 g/m²）", "name_en": "Filtration efficiency (25 g/m²)", "target": "≥99.0", "unit": "%", "method": "GB 2626-2019 NaCl 气溶胶法，流量 85 L/min"},
            {"name": "吸气阻力", "name_en": "Inhalation resistance", "target": "≤80", "unit": "Pa", "method": "GB 2626-2019 吸气阻力测试，流量 85 L/min"},
            {"name": "高温高湿老化后效率保持率", "name_en": "Efficiency retained after hot and humid ageing", "target": "≥97", "unit": "%", "method": "70 ℃、80%RH 放置 24 h 后按同法复测"},
            {"name": "幅宽方向过滤效率变异系数", "name_en": "Cross-web variation of filtration efficiency (CV)", "target": "≤3", "unit": "%", "method": "沿幅宽等距取样 10 点计算 CV"},
        ],
        "bounty_wan": "300",
        "investment_wan": "900",
        "funding_mode": "reward",
        "max_winners": 1,
        "period_months": 12,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "具备熔喷或驻极中试条件者优先",
        "confidentiality": "public",
        "contact_name": "王丽萍",
        "contact_phone": "0512-66883017",
        "contact_email": "rd@hengtai-demo.cn",
        "state": "open",
        "deadline_days": 35,
    },
    {
        "issuer": "xc_semi",
        "creator": "enterprise3@demo.cn",
        "title": "车规级功率模块焊层空洞率控制与热循环可靠性提升",
        # Redacted (脱敏) and published worldwide: the English face is public, the body is not.
        "title_en": "Void control in die-attach solder layers of automotive power modules",
        "summary_en": (
            "Power modules for electric-vehicle drives: the voids in the die-attach and substrate "
            "solder layers are too many, and after temperature and power cycling the solder cracks "
            "and the thermal resistance rises. Teams experienced in solder systems, sintered "
            "interconnects, vacuum reflow or thermo-mechanical simulation are welcome to bid."
        ),
        "worldwide": True,
        "kind": "chokepoint",
        "field": "集成电路",
        "industry_tags": ["集成电路产业链", "新能源汽车产业链", "功率半导体"],
        "summary": (
            "面向新能源汽车电驱用功率模块，需解决芯片焊层与基板焊层空洞率偏高、"
            "温度循环和功率循环后焊层开裂导致热阻上升的问题，满足车规级可靠性认证要求。"
            "欢迎在焊料体系、烧结互连、真空回流工艺及热-力耦合仿真方面有经验的团队揭榜。"
        ),
        "detail": (
            "现有产线为 HybridPACK Drive 兼容封装，采用 SAC305 预成型焊片加真空回流（进口 VSS 系列真空焊接炉），"
            "DBC 基板为 0.32 mm Al2O3 覆铜板。X-ray 检测单颗芯片焊层空洞率 3%–8%，最大单个空洞占比 1.2%，"
            "客户要求总空洞率 ≤2% 且单个空洞 ≤0.5%。"
            "-40 ℃～150 ℃ 温度循环 1000 次后，超声扫描（SAM）发现约 15% 样品基板焊层边缘分层面积超过 10%，"
            "Rth(j-c) 上升 12%–18%。"
            "已尝试提高真空度、延长保温时间和甲酸还原气氛，空洞率有所下降但批次波动大；"
            "纳米银烧结小批验证剪切强度离散（18–41 MPa），且烧结设备投资较高。"
            "终端客户为国内某头部整车厂的一级供应商，项目代号与 820 A 级模块电流规格未公开，不得外泄。"
            "方案须兼容现有贴片与回流设备，新增设备投资不超过 800 万元。"
        ),
        "indicators": [
            {"name": "芯片焊层空洞率", "name_en": "Die-attach void ratio", "target": "≤2", "unit": "%", "method": "X-ray 2D 透射检测，参照 IPC-7095 判定"},
            {"name": "温度循环后结壳热阻变化", "name_en": "Change of junction-to-case thermal resistance after temperature cycling", "target": "≤5", "unit": "%", "method": "-40 ℃～150 ℃ 温度循环 1000 次，AQG 324"},
            {"name": "功率循环寿命", "name_en": "Power cycling lifetime", "target": "≥50000", "unit": "次", "method": "秒级功率循环，ΔTj=100 K"},
            {"name": "芯片剪切强度", "name_en": "Die shear strength", "target": "≥30", "unit": "MPa", "method": "GJB 548 芯片剪切试验"},
        ],
        "bounty_wan": "500",
        "investment_wan": "1800",
        "funding_mode": "milestone",
        "max_winners": 1,
        "period_months": 24,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "具备功率器件封装或可靠性测试平台，近 3 年承担过车规级功率模块相关项目",
        "confidentiality": "desensitized",
        "contact_name": "刘志强",
        "contact_phone": "0512-66885520",
        "contact_email": "tech@xincheng-demo.cn",
        "state": "open",
        "deadline_days": 40,
    },
    {
        "issuer": "zg_bearing",
        "creator": "enterprise4@demo.cn",
        "title": "高端轴承钢冶炼纯净度与大颗粒夹杂物控制技术",
        "kind": "chokepoint",
        "field": "新材料",
        "industry_tags": ["高端装备产业链", "特钢冶金", "轴承"],
        "summary": (
            "高端机床主轴、风电及轨道交通轴承用高碳铬轴承钢对氧含量、钛含量和大颗粒 Ds 类夹杂物要求极高，"
            "国内产品在接触疲劳寿命及其离散度方面与进口钢材仍有差距。"
            "面向电炉—LF—RH—连铸流程，征集提升轴承钢纯净度、稳定控制夹杂物尺寸与分布的冶炼工艺技术。"
        ),
        "detail": (
            "现有流程为 100 t 电弧炉 + LF 精炼 + RH 真空脱气 + 大方坯连铸（断面 320 mm × 425 mm），钢种 GCr15 及 GCr15SiMn。"
            "近 12 个月统计：全氧（T.O）平均 7.8 ppm（波动 5–12 ppm），Ti 含量 18–30 ppm，"
            "Ds 类夹杂物 ≥1.5 级的炉次比例 6.5%，水浸超声探伤 Φ0.4 mm 当量缺陷检出率约 2%。"
            "外委接触疲劳试验 L10 寿命约为进口对标钢的 60%–70%。"
            "已尝试延长 RH 处理时间、优化精炼渣系（CaO/Al2O3≈1.8），T.O 略降但 Ds 类夹杂物无明显改善，"
            "初步判断与钢包耐材侵蚀及浇注过程二次氧化有关。"
            "不接受需要更换连铸机或新增电渣重熔工序的方案；现场试验须在正常生产节奏内安排，每月最多 3 个试验炉次。"
        ),
        "indicators": [
            {"name": "全氧含量", "target": "≤5", "unit": "ppm", "method": "GB/T 11261 脉冲加热惰气熔融-红外吸收法"},
            {"name": "钛含量", "target": "≤15", "unit": "ppm", "method": "ICP-MS 或直读光谱法"},
            {"name": "Ds 类夹杂物评级", "target": "≤1.0", "unit": "级", "method": "GB/T 10561 A 法，每炉 6 个试样"},
            {"name": "接触疲劳寿命 L10", "target": "≥1.0", "unit": "倍（相对进口对标钢）", "method": "推力片接触疲劳对比试验"},
        ],
        "bounty_wan": "400",
        "investment_wan": "1200",
        "funding_mode": "horse_race",
        "max_winners": 2,
        "period_months": 24,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "揭榜方须具备冶金工艺中试或企业现场工业试验经验",
        "confidentiality": "public",
        "contact_name": "张国栋",
        "contact_phone": "0512-66871388",
        "contact_email": "zhangguodong@zhonggu-demo.cn",
        "state": "open",
        "deadline_days": 45,
    },
    {
        "issuer": "zg_bearing",
        "creator": "enterprise4@demo.cn",
        "title": "轴承套圈与滚子表面缺陷机器视觉在线检测",
        "kind": "industry_shortage",
        "field": "电子信息",
        "industry_tags": ["高端装备产业链", "智能制造", "工业视觉"],
        "summary": (
            "轴承套圈和滚子在磨削、超精后需 100% 检查磕碰、划伤、磨削烧伤、锈斑等表面缺陷，"
            "目前依赖人工目检，漏检率高、效率低。"
            "征集可在产线部署的工业视觉缺陷检测方案，适应高反光金属曲面，实现在线自动检测与分拣。"
        ),
        "detail": (
            "检测对象为外径 30–180 mm 的套圈（内外圆、端面、倒角）及圆锥滚子（滚动面、端面），节拍 ≤3 s/件。"
            "现有 48 名质检员三班倒，抽查统计人工漏检率约 0.8%，近一年客户投诉中表面缺陷占 41%。"
            "最小需检出缺陷：划伤宽 0.05 mm、长 0.5 mm，磕碰直径 0.2 mm。"
            "曾试用两家视觉厂商基于传统图像算法的方案，因高反光和磨削纹理导致过检率超过 12%，未能上线。"
            "缺陷样本有限，轻微磨削烧伤等类别样本不足 100 张，需要小样本学习或缺陷样本合成能力。"
            "检测工位须放入现有超精机后的输送线，占地不超过 2.5 m × 1.5 m。"
        ),
        "indicators": [
            {"name": "缺陷检出率", "target": "≥99.5", "unit": "%", "method": "已知缺陷样件盲测 + 连续 3 个月产线统计"},
            {"name": "过检率", "target": "≤1.0", "unit": "%", "method": "连续 3 个月产线统计"},
            {"name": "检测节拍", "target": "≤3", "unit": "s/件", "method": "产线实测"},
            {"name": "最小可检划伤宽度", "target": "≤0.05", "unit": "mm", "method": "标准刻痕样件验证"},
        ],
        "bounty_wan": "150",
        "investment_wan": "450",
        "funding_mode": "horse_race",
        "max_winners": 3,
        "period_months": 12,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "",
        "confidentiality": "public",
        "contact_name": "周婷",
        "contact_phone": "13806271452",
        "contact_email": "zhouting@zhonggu-demo.cn",
        "state": "open",
        "deadline_days": 25,
    },
    {
        "issuer": "xn_battery",
        "creator": "enterprise5@demo.cn",
        "title": "硫化物全固态电池电解质与高镍正极界面稳定性提升",
        "kind": "chokepoint",
        "field": "新能源",
        "industry_tags": ["新能源产业链", "动力电池", "储能"],
        "summary": (
            "面向下一代高安全动力电池，企业正在开展硫化物全固态电池中试开发，"
            "高镍正极与硫化物电解质之间的界面副反应和接触失效导致容量衰减快、界面阻抗高。"
            "拟定向邀请具有固态电解质与界面工程研究基础的团队，联合攻关界面稳定化技术。"
        ),
        "detail": (
            "电池体系为 NCM811 单晶正极 / Li6PS5Cl 电解质 / 硅碳负极，软包叠片 2 Ah 样品，外加堆叠压力 5 MPa。"
            "0.33C 首次库仑效率 82%，25 ℃ 循环 300 次容量保持率 71%，EIS 显示循环后界面阻抗增长 3 倍以上。"
            "已尝试 LiNbO3 湿法包覆（包覆均匀性差、批间差异大）和 ALD 包覆（成本过高，难以放大）。"
            "电解质粉体由合作方供应，其配方、粒径分布以及企业固态电池中试线产能规划均属核心机密，"
            "仅在签署保密协议后向受邀团队披露。"
            "方案须能在露点 -50 ℃ 的干燥间条件下实施，不得依赖手套箱工序。"
        ),
        "indicators": [
            {"name": "循环容量保持率", "target": "≥85", "unit": "%", "method": "25 ℃、0.33C/0.33C 循环 500 次"},
            {"name": "正极面容量", "target": "≥4.0", "unit": "mAh/cm²", "method": "2 Ah 软包电池实测"},
            {"name": "首次库仑效率", "target": "≥88", "unit": "%", "method": "0.1C 化成"},
            {"name": "界面阻抗增长", "target": "≤50", "unit": "%", "method": "循环 500 次前后 EIS 拟合对比"},
        ],
        "bounty_wan": "800",
        "investment_wan": "3200",
        "funding_mode": "milestone",
        "max_winners": 1,
        "period_months": 36,
        "eligible_org_types": ["university", "institute", "other"],
        "eligible_regions": [],
        "qualifications": "定向邀请；受邀团队须签署保密协议，并具备固态电池样品制备与测试条件",
        "confidentiality": "directed",
        "contact_name": "赵雪梅",
        "contact_phone": "0512-66902316",
        "contact_email": "zhaoxm@xinneng-demo.cn",
        "state": "open",
        "deadline_days": 50,
    },
    {
        "issuer": "kq_pharma",
        "creator": "enterprise6@demo.cn",
        "title": "单抗 CHO 细胞高表达株构建与无血清培养基国产化",
        "kind": "import_substitution",
        "field": "生物医药",
        "industry_tags": ["生物医药产业链", "抗体药物", "生物制造"],
        "summary": (
            "企业多个单克隆抗体品种处于临床前至临床 I 期阶段，上游工艺表达量偏低、关键质量属性波动，"
            "所用培养基和补料培养基全部依赖进口。"
            "征集 CHO 细胞高表达稳定株构建与化学成分限定培养基国产化方案，支撑后续工艺放大和注册申报。"
        ),
        "detail": (
            "现用 CHO-K1 GS 敲除宿主细胞，14 天补料分批培养表达量 2.1–2.8 g/L（200 L 一次性生物反应器），"
            "活细胞密度峰值 1.6×10^7 cells/mL；电荷异构体酸性峰比例 28%–35%，高甘露糖型（Man5）6%–9%，批间差较大。"
            "进口培养基年采购额约 600 万元，供货周期 8–12 周。"
            "已试用两款国产培养基直接替换，表达量下降 20% 以上，且乳酸后期积累明显。"
            "候选分子的结构、靶点和临床进度不对外公开，候选药物代号仅在签署保密承诺后提供。"
            "成果须满足 ICH Q5A–Q5D 及 NMPA 申报资料要求，细胞库建库须在 GMP 条件下完成。"
        ),
        "indicators": [
            {"name": "抗体表达量", "target": "≥5", "unit": "g/L", "method": "14 天补料分批培养，200 L 规模，Protein A-HPLC 测定"},
            {"name": "酸性峰比例", "target": "≤20", "unit": "%", "method": "CEX-HPLC"},
            {"name": "培养基成本降幅", "target": "≥40", "unit": "%", "method": "与现用进口培养基按批次成本对比"},
            {"name": "细胞株传代稳定性", "target": "≥60", "unit": "代", "method": "连续传代后表达量下降 ≤20%"},
        ],
        "bounty_wan": "350",
        "investment_wan": "1400",
        "funding_mode": "milestone",
        "max_winners": 1,
        "period_months": 24,
        "eligible_org_types": ["university", "institute", "enterprise"],
        "eligible_regions": [],
        "qualifications": "具备 GMP 或 GLP 条件的细胞培养与分析平台优先",
        "confidentiality": "desensitized",
        "contact_name": "孙海涛",
        "contact_phone": "0512-66907735",
        "contact_email": "bd@kangqiao-demo.cn",
        "state": "open",
        "deadline_days": 30,
    },
    {
        "issuer": "jk_medical",
        "creator": "enterprise11@demo.cn",
        "title": "医用导管长效亲水润滑与抗菌涂层技术",
        "kind": "import_substitution",
        "field": "生物医药",
        "industry_tags": ["医疗器械产业链", "生物医用材料"],
        "summary": (
            "导尿管、中心静脉导管等介入类导管需要同时具备低摩擦、抗菌和抗凝血性能，"
            "目前高端亲水涂层液及涂覆工艺主要依赖进口。"
            "征集润滑持久、附着牢固并兼具抗菌抗凝血功能的医用导管涂层配方与工艺，满足医疗器械注册检验要求。"
        ),
        "detail": (
            "基材为医用 TPU 和硅橡胶导管（Fr6–Fr16），现采用进口 UV 固化 PVP 亲水涂层液，价格约 1.2 万元/升。"
            "自研涂层初始摩擦系数 0.03，但 25 次往复摩擦后升至 0.12，微粒脱落（≥10 μm）检测超标。"
            "抗菌方面曾尝试载银涂层，银离子释放过快，7 天后抑菌率降至 60%，细胞毒性评级为 2 级。"
            "硅橡胶基材附着力差，等离子体预处理后存放超过 4 h 即失效。"
            "产线为国产立式浸涂机 + UV 固化隧道，希望不改变设备完成工艺切换。"
            "现用进口涂层液的供应商及技术协议条款不得公开。"
        ),
        "indicators": [
            {"name": "摩擦系数（50 次往复后）", "target": "≤0.05", "unit": "", "method": "夹持摩擦试验，浸湿状态，参照 ASTM D1894"},
            {"name": "14 天抑菌率", "target": "≥99", "unit": "%", "method": "大肠杆菌、金黄色葡萄球菌，GB/T 21510"},
            {"name": "细胞毒性", "target": "≤1", "unit": "级", "method": "GB/T 16886.5 MTT 法"},
            {"name": "≥10 μm 微粒脱落数", "target": "≤600", "unit": "个/根", "method": "模拟使用后光阻法计数"},
        ],
        "bounty_wan": "180",
        "investment_wan": "540",
        "funding_mode": "post_funding",
        "max_winners": 1,
        "period_months": 18,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "熟悉 GB/T 16886 生物相容性评价体系",
        "confidentiality": "desensitized",
        "contact_name": "林晓燕",
        "contact_phone": "13915286604",
        "contact_email": "linxy@jiekang-demo.cn",
        "state": "open",
        "deadline_days": 20,
    },
    {
        "issuer": "hx_material",
        "creator": "enterprise1@demo.cn",
        "title": "碳纤维复合材料汽车结构件低成本快速模压成型工艺",
        "kind": "industry_shortage",
        "field": "新材料",
        "industry_tags": ["新材料产业链", "汽车轻量化", "复合材料"],
        "summary": (
            "碳纤维复合材料在汽车轻量化中需求快速增长，但热压罐和传统预浸料模压工艺成本高、周期长，"
            "难以满足年产 5 万件以上的量产需求。"
            "征集快速固化树脂体系与高效模压或 HP-RTM 成型工艺，显著降低单件成本并缩短成型周期。"
        ),
        "detail": (
            "企业现有 T700 级 12K 碳纤维预浸料生产线与 2 台 800 t 液压机，目标产品为电池包上盖和座椅骨架。"
            "现用环氧预浸料 150 ℃ 固化 15 min，单件成型周期 22 min，废品率 7%，主要缺陷为干斑、褶皱及孔隙率超过 2%。"
            "曾评估 HP-RTM 工艺，进口高压注射设备报价约 900 万元，超出预算。"
            "与两家树脂厂合作开发的 5 min 快速固化体系，预浸料室温储存期缩短至 7 天，无法满足异地物流要求。"
            "目标主机厂的车型平台与年度需求量为保密信息。"
            "方案须基于现有压机，模具改造和辅助设备新增投资控制在 250 万元以内。"
        ),
        "indicators": [
            {"name": "成型周期", "target": "≤5", "unit": "min/件", "method": "产线连续 100 件实测平均"},
            {"name": "孔隙率", "target": "≤1.5", "unit": "%", "method": "GB/T 3365 显微图像法"},
            {"name": "0° 拉伸强度", "target": "≥2000", "unit": "MPa", "method": "GB/T 3354"},
            {"name": "单件制造成本降幅", "target": "≥30", "unit": "%", "method": "与现行工艺按年产 5 万件核算对比"},
        ],
        "bounty_wan": "260",
        "investment_wan": "800",
        "funding_mode": "reward",
        "max_winners": 2,
        "period_months": 18,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "",
        "confidentiality": "public",
        "contact_name": "陈建华",
        "contact_phone": "0512-66881201",
        "contact_email": "chenjh@huadong-demo.cn",
        "state": "open",
        "deadline_days": 28,
    },
    {
        "issuer": "nf_agri",
        "creator": "enterprise8@demo.cn",
        "title": "特色鲜果产地快速预冷与冷链运输保鲜技术",
        "kind": "industry_shortage",
        "field": "现代农业",
        "industry_tags": ["农业食品产业链", "冷链物流", "乡村振兴"],
        "summary": (
            "本地葡萄、水蜜桃、草莓等特色鲜果采后呼吸旺盛，缺乏产地预冷设施，冷链运输过程中腐损率高，"
            "制约远距离销售。征集适合合作社和家庭农场使用的低成本产地预冷与冷链保鲜技术装备，兼顾能耗与保鲜效果。"
        ),
        "detail": (
            "企业为移动式预冷库和保鲜库装备制造商，合作社客户单次采收量 2–8 t。"
            "目前采收后直接装车，入车果温 30–34 ℃，经 1200 km 运输到达销地后水蜜桃腐损率 15%–20%，草莓超过 25%。"
            "自研强制通风预冷需 8–10 h 才能将果心温度降至 5 ℃，果实失重约 3%。"
            "试过真空预冷，对水蜜桃、葡萄效果差且设备价格高。"
            "方案需适配企业现有 20 尺集装箱式冷库平台（制冷量 12 kW，R404A 冷媒），可结合差压预冷、气调包装、1-MCP 处理等手段。"
        ),
        "indicators": [
            {"name": "预冷时间", "target": "≤2", "unit": "h", "method": "果心温度由 30 ℃ 降至 5 ℃，热电偶多点测温"},
            {"name": "运输后腐损率", "target": "≤5", "unit": "%", "method": "1200 km、48 h 冷链运输后按批次统计"},
            {"name": "预冷失重率", "target": "≤1", "unit": "%", "method": "预冷前后称重"},
            {"name": "单位预冷能耗", "target": "≤25", "unit": "kWh/t", "method": "电能表计量"},
        ],
        "bounty_wan": "85.5",
        "investment_wan": "240",
        "funding_mode": "reward",
        "max_winners": 1,
        "period_months": 12,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "",
        "confidentiality": "public",
        "contact_name": "吴秀兰",
        "contact_phone": "0512-66860942",
        "contact_email": "wuxl@nongfeng-demo.cn",
        "state": "open",
        "deadline_days": 15,
    },
    {
        "issuer": "rs_software",
        "creator": "enterprise10@demo.cn",
        "title": "国产三维 CAD 几何建模内核关键算法攻关",
        "kind": "chokepoint",
        "field": "电子信息",
        "industry_tags": ["工业软件", "软件和信息服务产业链", "智能制造"],
        "summary": (
            "三维 CAD/CAE 软件的几何建模内核长期依赖国外商业内核授权，存在断供和合规风险。"
            "企业已有自主 CAD 产品，拟定向邀请在实体建模、曲面求交和布尔运算鲁棒性方面有深厚积累的团队，"
            "联合攻关可替代商业内核的国产几何建模内核关键算法。"
        ),
        "detail": (
            "现有产品基于某国外商业几何内核，年授权费约 600 万元，授权条款限制源码级修改。"
            "自研内核原型已完成 B-rep 数据结构与基础造型，但在复杂零件布尔运算中失败率约 4.5%（企业测试集 2 万个工业零件）；"
            "NURBS 曲面求交在近相切、退化边界情况下精度和速度不足；变半径倒圆角及多边交汇倒圆角成功率仅 78%。"
            "STEP AP242 导入导出缺少拓扑修复能力，大装配体（>5000 零件）加载时间超过 3 min。"
            "内核架构文档、测试集来源客户以及与国外厂商的授权合同条款属于核心机密，仅对受邀团队开放。"
            "成果知识产权归属按合同约定，须可集成到企业现有 C++17 代码基线。"
        ),
        "indicators": [
            {"name": "布尔运算成功率", "target": "≥99.5", "unit": "%", "method": "企业 2 万件工业零件测试集"},
            {"name": "倒圆角成功率", "target": "≥97", "unit": "%", "method": "企业倒圆角专项测试集"},
            {"name": "曲面求交精度", "target": "≤1e-6", "unit": "mm", "method": "与高精度参考解对比"},
            {"name": "STEP 往返转换几何一致率", "target": "≥99", "unit": "%", "method": "AP242 导出再导入后体积、面积与拓扑比对"},
        ],
        "bounty_wan": "1000",
        "investment_wan": "5000",
        "funding_mode": "milestone",
        "max_winners": 1,
        "period_months": 36,
        "eligible_org_types": ["university", "institute", "other"],
        "eligible_regions": [],
        "qualifications": "定向邀请；团队须有几何内核或 CAD 底层算法研发经历，并签署保密协议",
        "confidentiality": "directed",
        "contact_name": "何文博",
        "contact_phone": "0512-66917080",
        "contact_email": "hewb@ruisi-demo.cn",
        "state": "open",
        "deadline_days": 55,
    },
    # ===================== 评审中（reviewing）=====================
    {
        "issuer": "xn_battery",
        "creator": "enterprise5@demo.cn",
        "title": "储能用磷酸铁锂电池低温放电与低温充电性能提升",
        "kind": "industry_shortage",
        "field": "新能源",
        "industry_tags": ["新能源产业链", "储能", "动力电池"],
        "summary": (
            "北方及高海拔地区储能电站冬季环境温度低，磷酸铁锂电池低温放电容量下降明显，低温充电易析锂，"
            "只能依赖加热系统，增加能耗与成本。"
            "定向征集材料改性、低温电解液或电池自加热等方向的低温性能提升方案。"
        ),
        "detail": (
            "产品为 280 Ah 方形铝壳储能电芯，-20 ℃ 0.5C 放电容量保持率 68%，0 ℃ 0.5C 充电后拆解可见负极边缘析锂。"
            "储能系统采用 PTC 加热膜，冬季加热能耗约占系统日放电量的 6%–9%。"
            "已试验低温电解液（添加 FEC、LiDFOB），-20 ℃ 容量提升至 74%，但 45 ℃ 高温循环衰减明显加快。"
            "正极材料供应商及其碳包覆工艺参数为保密信息。"
            "方案须兼容现有叠片与注液设备，材料成本增幅不超过 3%。"
        ),
        "indicators": [
            {"name": "-20 ℃ 放电容量保持率", "target": "≥85", "unit": "%", "method": "-20 ℃、0.5C 放电，相对 25 ℃ 容量"},
            {"name": "0 ℃ 充电析锂", "target": "无", "unit": "", "method": "0 ℃、0.5C 充电后三电极监测 + 拆解观察"},
            {"name": "45 ℃ 循环寿命", "target": "≥3000", "unit": "次", "method": "0.5C/0.5C 循环至 80% SOH"},
        ],
        "bounty_wan": "200",
        "investment_wan": "650",
        "funding_mode": "reward",
        "max_winners": 1,
        "period_months": 12,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "定向邀请",
        "confidentiality": "directed",
        "contact_name": "赵雪梅",
        "contact_phone": "0512-66902316",
        "contact_email": "zhaoxm@xinneng-demo.cn",
        "state": "reviewing",
        "deadline_days": -8,
    },
    {
        "issuer": "hx_material",
        "creator": "enterprise1@demo.cn",
        "title": "化工新材料生产高盐废水近零排放与分盐资源化",
        "kind": "industry_shortage",
        "field": "节能环保",
        "industry_tags": ["新材料产业链", "绿色低碳", "工业废水治理"],
        "summary": (
            "企业新材料产品生产过程中产生含有机物的高盐废水，现有蒸发工艺产生大量杂盐需按危险废物处置，"
            "成本高、环保压力大。征集高盐废水预处理、分盐结晶与杂盐资源化的整体技术方案，"
            "实现废水近零排放和副产盐达标回用。"
        ),
        "detail": (
            "废水量约 240 m³/d，TDS 6%–9%，主要为 NaCl 与 Na2SO4（质量比约 3:2），COD 3000–8000 mg/L，含少量含氟有机中间体。"
            "现有工艺为调节—芬顿氧化—MVR 蒸发，杂盐产量约 5200 t/年，危废处置费用约 3500 元/t。"
            "MVR 换热管结垢严重，每 3 周需停机清洗一次。"
            "曾做过纳滤分盐中试，膜通量 7 天内下降 40%。"
            "涉及的有机中间体名称和产品工艺路线不得公开，现场取样须在企业陪同下进行。"
        ),
        "indicators": [
            {"name": "回收氯化钠纯度", "target": "≥98.5", "unit": "%", "method": "GB/T 5462 工业盐"},
            {"name": "回收硫酸钠纯度", "target": "≥97", "unit": "%", "method": "GB/T 6009 工业无水硫酸钠"},
            {"name": "杂盐产率", "target": "≤5", "unit": "%（占总盐量）", "method": "连续运行 30 天物料衡算"},
            {"name": "吨水处理成本", "target": "≤60", "unit": "元/m³", "method": "含药剂、电耗、蒸汽与折旧"},
        ],
        "bounty_wan": "220",
        "investment_wan": "700",
        "funding_mode": "milestone",
        "max_winners": 1,
        "period_months": 18,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "须有工业高盐废水工程或中试业绩",
        "confidentiality": "desensitized",
        "contact_name": "陈建华",
        "contact_phone": "0512-66881201",
        "contact_email": "chenjh@huadong-demo.cn",
        "state": "reviewing",
        "deadline_days": -12,
    },
    {
        "issuer": "jh_auto",
        "creator": "enterprise7@demo.cn",
        "title": "一体化压铸用高强韧免热处理铝合金材料开发",
        "kind": "import_substitution",
        "field": "新材料",
        "industry_tags": ["汽车零部件产业链", "新能源汽车产业链", "汽车轻量化"],
        "summary": (
            "新能源汽车后地板、前机舱等大型一体化压铸件要求材料在不进行固溶热处理的情况下兼具高强度和高延伸率，"
            "目前主流免热处理合金牌号依赖国外专利授权。"
            "拟定向邀请相关团队开发具有自主知识产权的免热处理压铸铝合金及配套熔体处理工艺。"
        ),
        "detail": (
            "企业已引进 9000 t 级超大型压铸岛，现使用进口专利合金锭，授权费与采购溢价约 3500 元/t。"
            "自配 AlSi10MnMg 试验合金铸态屈服强度 125 MPa、延伸率 6%–8%，自冲铆接试验出现开裂。"
            "将 Fe 含量控制在 0.15% 以下时原料成本上升约 18%。"
            "已尝试 Sr 变质和 Zr 微合金化，延伸率离散较大（4.5%–9.8%）。"
            "企业计划使用不低于 30% 的再生铝；主机厂项目节点与零件图纸不对外公开。"
        ),
        "indicators": [
            {"name": "铸态屈服强度", "target": "≥130", "unit": "MPa", "method": "GB/T 228.1，零件本体取样"},
            {"name": "断后伸长率", "target": "≥10", "unit": "%", "method": "GB/T 228.1，零件本体取样"},
            {"name": "再生铝使用比例", "target": "≥30", "unit": "%", "method": "配料记录核查"},
            {"name": "自冲铆接质量", "target": "无裂纹", "unit": "", "method": "铆接试验及截面金相检查"},
        ],
        "bounty_wan": "300",
        "investment_wan": "1100",
        "funding_mode": "reward",
        "max_winners": 1,
        "period_months": 18,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "定向邀请；须具备合金熔炼与压铸试验条件",
        "confidentiality": "directed",
        "contact_name": "黄振宇",
        "contact_phone": "13862157730",
        "contact_email": "huangzy@jiangheng-demo.cn",
        "state": "reviewing",
        "deadline_days": -5,
    },
    # ===================== 无人揭榜（unclaimed）=====================
    {
        "issuer": "hx_material",
        "creator": "enterprise1@demo.cn",
        "title": "光伏封装胶膜用 POE 树脂国产化改性与抗 PID 性能提升",
        "kind": "import_substitution",
        "field": "新材料",
        "industry_tags": ["新能源产业链", "光伏", "化工新材料"],
        "summary": (
            "N 型 TOPCon 与双玻组件对封装胶膜的体积电阻率、水汽阻隔和抗 PID 性能要求更高，"
            "POE 胶膜原料目前几乎全部依赖进口。"
            "征集国产 POE 树脂改性及配套交联助剂体系方案，使胶膜关键性能达到进口材料水平。"
        ),
        "detail": (
            "企业胶膜年产能 1.2 亿 m²，POE 粒子全部进口（两家海外供应商），近两年受供应紧张影响价格上涨约 40%。"
            "试用国产中试 POE 粒子制备的胶膜，体积电阻率仅 2×10^14 Ω·cm（进口料 ≥1×10^15 Ω·cm），"
            "交联度在 65%–82% 之间波动，流延挤出时凝胶点多导致断膜。"
            "已尝试与 EVA 共挤（EPE 结构），但抗 PID 性能下降。"
            "组件厂客户名单和进口原料采购价格保密。"
        ),
        "indicators": [
            {"name": "体积电阻率", "target": "≥1×10^15", "unit": "Ω·cm", "method": "GB/T 1410"},
            {"name": "交联度", "target": "75–85", "unit": "%", "method": "GB/T 29848 二甲苯萃取法"},
            {"name": "PID 功率衰减", "target": "≤2", "unit": "%", "method": "IEC TS 62804-1，85 ℃/85%RH，-1500 V，96 h"},
            {"name": "水汽透过率", "target": "≤3", "unit": "g/(m²·d)", "method": "GB/T 26253 红外传感器法"},
        ],
        "bounty_wan": "450",
        "investment_wan": "1500",
        "funding_mode": "reward",
        "max_winners": 1,
        "period_months": 24,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "",
        "confidentiality": "desensitized",
        "contact_name": "陈建华",
        "contact_phone": "0512-66881201",
        "contact_email": "chenjh@huadong-demo.cn",
        "state": "unclaimed",
        "deadline_days": -15,
    },
    # ===================== 形式审查中（screening）=====================
    {
        "issuer": "jk_medical",
        "creator": "enterprise11@demo.cn",
        "title": "医用口罩熔喷布过滤效率提升与低阻驻极稳定技术",
        "kind": "import_substitution",
        "field": "新材料",
        "industry_tags": ["医用防护", "纺织服装产业链", "医疗器械产业链"],
        "summary": (
            "企业生产医用外科口罩与医用防护口罩，熔喷布过滤层外购，在满足高过滤效率时呼吸阻力偏高、佩戴舒适性差，"
            "且驻极电荷在储存期内衰减，过滤效率下降。"
            "征集熔喷非织造布过滤效率提升、呼吸阻力降低和驻极稳定性改善的材料或工艺方案，要求能在供应商现有熔喷线上量产。"
        ),
        "detail": (
            "医用防护口罩（GB 19083）采用 2 层 25 g/m² 熔喷布，非油性颗粒过滤效率 95.5%–97%，吸气阻力约 300 Pa，"
            "接近标准上限，佩戴 2 h 后用户普遍反映憋闷。"
            "成品储存 6 个月后过滤效率下降 2–4 个百分点，2023 年因出厂复检不合格退货的批次占 3.2%。"
            "已尝试将熔喷层克重提高到 30 g/m²（阻力超标）和复合静电纺纳米纤维膜（成本增加约 40%，复合牢度不足）。"
            "方案须在现有 KN95 一拖二全自动口罩机（超声波焊接）上无需改造即可使用，熔喷布单价增幅不超过 15%。"
            "外购熔喷布供应商名单和采购价格属于商业秘密。"
        ),
        "indicators": [
            {"name": "非油性颗粒过滤效率", "target": "≥99", "unit": "%", "method": "GB 19083-2010，NaCl 气溶胶，85 L/min"},
            {"name": "吸气阻力", "target": "≤200", "unit": "Pa", "method": "GB 19083-2010，85 L/min"},
            {"name": "储存后过滤效率下降", "target": "≤1", "unit": "百分点", "method": "加速老化模拟 6 个月储存后复测"},
            {"name": "细菌过滤效率", "target": "≥99", "unit": "%", "method": "YY 0469-2011"},
        ],
        "bounty_wan": "120",
        "investment_wan": "360",
        "funding_mode": "reward",
        "max_winners": 1,
        "period_months": 12,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "",
        "confidentiality": "desensitized",
        "contact_name": "林晓燕",
        "contact_phone": "13915286604",
        "contact_email": "linxy@jiekang-demo.cn",
        "state": "screening",
        "return_reason": "“低呼吸阻力”未给出量化目标值和测试标准，请补充后重新提交。",
    },
    {
        "issuer": "jh_auto",
        "creator": "enterprise7@demo.cn",
        "title": "汽车铝合金压铸件表面缺陷机器视觉在线检测系统",
        "kind": "industry_shortage",
        "field": "电子信息",
        "industry_tags": ["汽车零部件产业链", "智能制造", "工业视觉"],
        "summary": (
            "铝合金压铸壳体机加工后需对表面气孔、缩孔、划伤、磕碰、冷隔等缺陷全检，"
            "目前主要依靠人工目检，漏检和过检问题突出。"
            "征集基于工业视觉和深度学习的表面缺陷在线检测方案，适应高反光加工面与复杂曲面，匹配现有产线节拍。"
        ),
        "detail": (
            "产品为新能源汽车电驱壳体（ADC12 铝合金，外形约 420 mm × 360 mm × 260 mm），加工面与铸造面并存，需检测面 6 个。"
            "产线节拍 45 s/件；人工目检漏检率 0.5%–1%，主机厂要求外观缺陷 PPM ≤50。"
            "需检出的最小气孔 Φ0.3 mm。"
            "已尝试 2D 面阵相机 + 环形光方案，加工刀纹干扰严重，过检率约 15%。"
            "检测系统须接入现有 MES（与 S7-1500 PLC 通讯），支持六轴机器人上下料，并能在换型时 1 天内完成模型更新。"
        ),
        "indicators": [
            {"name": "缺陷检出率", "target": "≥99.5", "unit": "%", "method": "缺陷样件盲测 + 产线 1 个月统计"},
            {"name": "过检率", "target": "≤2", "unit": "%", "method": "产线 1 个月统计"},
            {"name": "单件检测时间", "target": "≤40", "unit": "s", "method": "产线实测"},
            {"name": "最小可检气孔直径", "target": "≤0.3", "unit": "mm", "method": "标准缺陷样件验证"},
        ],
        "bounty_wan": "80",
        "investment_wan": "260",
        "funding_mode": "post_funding",
        "max_winners": 1,
        "period_months": 10,
        "eligible_org_types": [],
        "eligible_regions": ["示范市高新区", "示范市经开区", "示范市东江区", "示范市大学城"],
        "qualifications": "需能提供本地现场驻厂调试和 24 小时内响应的运维服务",
        "confidentiality": "public",
        "contact_name": "黄振宇",
        "contact_phone": "13862157730",
        "contact_email": "huangzy@jiangheng-demo.cn",
        "state": "screening",
    },
    {
        "issuer": "nf_agri",
        "creator": "enterprise8@demo.cn",
        "title": "丘陵山区小型履带式联合收获机脱粒分离与行走底盘关键部件",
        "kind": "industry_shortage",
        "field": "高端装备",
        "industry_tags": ["农机装备产业链", "现代农业", "农业食品产业链"],
        "summary": (
            "丘陵山区田块小、坡度大、土壤湿烂，大中型收获机难以进入，现有小型机脱粒损失率高、可靠性差。"
            "征集适用于丘陵山区的小型履带式水稻/小麦联合收获机脱粒分离装置和行走底盘关键技术。"
        ),
        "detail": (
            "目标整机功率 ≤60 马力、整机质量 ≤2.2 t、割幅 1.6–1.8 m。"
            "现有样机在 10° 坡地作业时侧翻风险高，总损失率 3.8%，含杂率 2.5%，平均故障间隔时间仅 35 h。"
            "已换装进口 HST 液压无级变速器，操控性改善，但单台成本增加 1.8 万元。"
            "在含水率超过 28% 的水稻上籽粒破碎率达 2%，纵轴流滚筒易堵塞。"
        ),
        "indicators": [
            {"name": "总损失率", "target": "≤2.5", "unit": "%", "method": "GB/T 8097 联合收割机试验方法"},
            {"name": "籽粒破碎率", "target": "≤1.0", "unit": "%", "method": "GB/T 8097"},
            {"name": "平均故障间隔时间", "target": "≥100", "unit": "h", "method": "田间可靠性试验"},
            {"name": "纵向坡地稳定作业角", "target": "≥15", "unit": "°", "method": "坡地田间试验"},
        ],
        "bounty_wan": "120",
        "investment_wan": "380",
        "funding_mode": "horse_race",
        "max_winners": 2,
        "period_months": 24,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "须具备农机整机或关键部件田间试验条件",
        "confidentiality": "public",
        "contact_name": "吴秀兰",
        "contact_phone": "0512-66860942",
        "contact_email": "wuxl@nongfeng-demo.cn",
        "state": "screening",
        "return_reason": "攻关范围过宽，建议聚焦脱粒分离与行走底盘两项，并补充各指标的验收方法。",
    },
    {
        "issuer": "lh_env",
        "creator": "enterprise9@demo.cn",
        "title": "生活垃圾焚烧飞灰低成本稳定化与资源化利用",
        "kind": "other",
        "field": "节能环保",
        "industry_tags": ["节能环保产业链", "固废资源化", "无废城市"],
        "summary": (
            "生活垃圾焚烧飞灰属于危险废物，目前以螯合剂稳定化后填埋为主，处置成本高、填埋库容紧张。"
            "征集飞灰重金属长效稳定化、二噁英降解以及水洗脱氯后建材化利用的技术方案，降低综合处置成本。"
        ),
        "detail": (
            "企业运营的焚烧厂日处理生活垃圾 1500 t，飞灰产生量约 45 t/d，氯含量 18%–22%，"
            "Pb 浸出浓度 3–12 mg/L（HJ/T 300 醋酸缓冲溶液法），二噁英毒性当量 1.2–3.5 ng TEQ/g。"
            "现用有机硫螯合剂添加量 3%，稳定化后含运输的综合处置费用约 1800 元/t。"
            "曾小试三级逆流水洗，脱氯率可达 92%，但高氯水洗液的蒸发处理成本过高。"
            "填埋场剩余库容约 2.5 年。"
        ),
        "indicators": [
            {"name": "重金属浸出浓度", "target": "满足 GB 16889-2008 表 1 限值", "unit": "", "method": "HJ/T 300"},
            {"name": "二噁英含量", "target": "≤50", "unit": "ng TEQ/kg", "method": "HJ 77.3"},
            {"name": "水洗飞灰氯含量", "target": "≤1.0", "unit": "%", "method": "GB/T 176 化学分析"},
            {"name": "综合处置成本", "target": "≤900", "unit": "元/t", "method": "连续运行 3 个月核算"},
        ],
        "bounty_wan": "100",
        "investment_wan": "320",
        "funding_mode": "reward",
        "max_winners": 1,
        "period_months": 18,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "",
        "confidentiality": "public",
        "contact_name": "郑凯",
        "contact_phone": "0512-66852293",
        "contact_email": "zhengkai@lvhe-demo.cn",
        "state": "screening",
    },
    # ===================== 草稿（draft）=====================
    {
        "issuer": "xc_semi",
        "creator": "enterprise3@demo.cn",
        "title": "高密度扇出型晶圆级封装翘曲与芯片偏移控制",
        "kind": "chokepoint",
        "field": "集成电路",
        "industry_tags": ["集成电路产业链", "先进封装"],
        "summary": (
            "企业正开发面向射频前端与电源管理芯片的扇出型晶圆级封装（FOWLP）工艺，"
            "12 英寸重构晶圆在塑封和后续再布线工艺中翘曲超标、芯片偏移较大，影响光刻对位和良率。"
            "征集塑封材料匹配、工艺补偿与仿真预测的综合解决方案。"
        ),
        "detail": (
            "采用 chip-first、face-down 工艺路线，12 英寸玻璃载板，热剥离临时键合胶，液态环氧塑封料压缩成型（进口压缩塑封机）。"
            "解键合后重构晶圆翘曲 1.8–2.6 mm（客户要求 ≤0.8 mm），芯片偏移 8–25 μm 且呈径向分布，"
            "RDL 第一层光刻对位失败率约 6%。"
            "已尝试降低塑封温度、调整后固化曲线，翘曲降低约 20%，但芯片偏移未改善；"
            "更换低 CTE 塑封料后出现填充不良和空洞。"
            "塑封料牌号和供应商、对应的客户芯片型号均为保密信息。"
        ),
        "indicators": [
            {"name": "重构晶圆翘曲", "target": "≤0.8", "unit": "mm", "method": "阴影云纹法，室温测量"},
            {"name": "芯片偏移（3σ）", "target": "≤5", "unit": "μm", "method": "光学量测全片统计"},
            {"name": "RDL 首层光刻对位良率", "target": "≥99.5", "unit": "%", "method": "连续 25 片晶圆统计"},
        ],
        "bounty_wan": "600",
        "investment_wan": "2400",
        "funding_mode": "milestone",
        "max_winners": 1,
        "period_months": 30,
        "eligible_org_types": ["university", "institute"],
        "eligible_regions": [],
        "qualifications": "需具备晶圆级封装多物理场仿真或工艺验证能力",
        "confidentiality": "desensitized",
        "contact_name": "刘志强",
        "contact_phone": "0512-66885520",
        "contact_email": "tech@xincheng-demo.cn",
        "state": "draft",
    },
    {
        "issuer": "lh_env",
        "creator": "enterprise9@demo.cn",
        "title": "工业园区高盐废水零排放与分盐结晶系统节能降耗",
        "kind": "industry_shortage",
        "field": "节能环保",
        "industry_tags": ["节能环保产业链", "绿色低碳", "工业废水治理"],
        "summary": (
            "某化工园区集中式高盐废水零排放项目运行能耗高、蒸发器结垢频繁，分盐结晶产品品质不稳定、难以外售。"
            "征集高盐废水零排放系统的节能降耗、阻垢及分盐结晶优化技术，降低吨水处理成本和杂盐产量。"
        ),
        "detail": (
            "处理规模 1500 m³/d，工艺为高密度沉淀池 + 多介质过滤预处理—反渗透浓缩—DTRO—MVR 蒸发—冷冻结晶分盐。"
            "吨水电耗 42 kWh，蒸汽消耗 0.18 t/m³；MVR 单级离心压缩机实际温升仅 11 ℃，低于设计值 14 ℃。"
            "硬度和硅结垢使蒸发器每月需停机清洗 2 次。"
            "分盐所得氯化钠白度不足、TOC 超过 200 mg/kg，只能按杂盐处置。"
            "运营合同中的电价、处置价格和园区各企业排水数据属于保密信息。"
        ),
        "indicators": [
            {"name": "吨水综合能耗降幅", "target": "≥25", "unit": "%", "method": "改造前后各连续运行 30 天对比"},
            {"name": "蒸发器连续运行周期", "target": "≥90", "unit": "天", "method": "运行记录"},
            {"name": "氯化钠产品 TOC", "target": "≤50", "unit": "mg/kg", "method": "总有机碳分析仪"},
        ],
        "bounty_wan": "150",
        "investment_wan": "520",
        "funding_mode": "post_funding",
        "max_winners": 1,
        "period_months": 15,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "",
        "confidentiality": "desensitized",
        "contact_name": "郑凯",
        "contact_phone": "0512-66852293",
        "contact_email": "zhengkai@lvhe-demo.cn",
        "state": "draft",
    },
    {
        "issuer": "ht_textile",
        "creator": "enterprise2@demo.cn",
        "title": "瓶片再生聚酯细旦纤维纺丝稳定性与染色一致性提升",
        "kind": "other",
        "field": "新材料",
        "industry_tags": ["纺织服装产业链", "循环经济", "绿色低碳"],
        "summary": (
            "品牌客户对再生聚酯（rPET）纤维的需求快速增长，但瓶片来源复杂，纤维特性黏度波动大，"
            "细旦产品断头多、染色色差明显。"
            "征集瓶片分选净化、固相增粘与纺丝工艺协同优化方案，提升再生聚酯细旦纤维品质稳定性。"
        ),
        "detail": (
            "生产线流程为瓶片分选清洗—固相增粘—熔体过滤—FDY/POY 纺丝。"
            "熔体特性黏度波动 ±0.03 dL/g，FDY 75D/72F 断头率 2.5 次/吨，"
            "染色色差 ΔE 1.5–2.2（客户要求 ≤1.0），同规格原生料产品 ΔE ≤0.6。"
            "熔体过滤器更换周期仅 3 天。"
            "已试用在线黏度计闭环调节挤出温度，但响应滞后约 40 min，效果不明显。"
        ),
        "indicators": [
            {"name": "熔体特性黏度波动", "target": "≤±0.01", "unit": "dL/g", "method": "GB/T 14190 乌氏黏度计法"},
            {"name": "FDY 断头率", "target": "≤0.8", "unit": "次/吨", "method": "连续生产 1 个月统计"},
            {"name": "染色色差 ΔE", "target": "≤1.0", "unit": "", "method": "CIELAB 色差，D65 光源"},
        ],
        "bounty_wan": "60",
        "investment_wan": "180",
        "funding_mode": "post_funding",
        "max_winners": 1,
        "period_months": 12,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "",
        "confidentiality": "public",
        "contact_name": "王丽萍",
        "contact_phone": "0512-66883017",
        "contact_email": "rd@hengtai-demo.cn",
        "state": "draft",
    },
    {
        "issuer": "zg_bearing",
        "creator": "enterprise4@demo.cn",
        "title": "风电主轴轴承大型套圈感应淬火变形控制",
        "kind": "chokepoint",
        "field": "高端装备",
        "industry_tags": ["高端装备产业链", "风电装备", "轴承"],
        "summary": (
            "兆瓦级风电主轴轴承套圈直径大、截面不对称，滚道感应淬火后椭圆度和端面翘曲超差，"
            "磨削余量被迫加大，导致有效硬化层不足、加工成本高。"
            "征集大型套圈热处理变形预测与控制技术，包括工艺仿真、淬火参数与工装优化。"
        ),
        "detail": (
            "套圈外径 2.2–3.2 m，材料 42CrMo4，滚道采用扫描式中频感应淬火（国产 400 kW 电源）。"
            "当前淬火后椭圆度 1.2–2.5 mm（要求 ≤0.6 mm），端面平面度 0.8 mm。"
            "磨削余量由设计值 1.0 mm 增加到 2.0 mm，局部有效硬化层深度低于 4 mm 下限，软带区域偶有超宽。"
            "已尝试分段预热和调整喷淋压力，改善有限。"
            "现有感应淬火设备不更换，可改造感应器和工装；整机厂的轴承型号与载荷谱不公开。"
        ),
        "indicators": [
            {"name": "淬火后椭圆度", "target": "≤0.6", "unit": "mm", "method": "三坐标或激光跟踪仪测量"},
            {"name": "有效硬化层深度", "target": "≥5", "unit": "mm", "method": "GB/T 5617"},
            {"name": "滚道表面硬度", "target": "58–62", "unit": "HRC", "method": "GB/T 230.1"},
            {"name": "磨削余量", "target": "≤1.0", "unit": "mm", "method": "工艺文件与实测核对"},
        ],
        "bounty_wan": "380",
        "investment_wan": "1300",
        "funding_mode": "horse_race",
        "max_winners": 2,
        "period_months": 24,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "",
        "confidentiality": "public",
        "contact_name": "张国栋",
        "contact_phone": "0512-66871388",
        "contact_email": "zhangguodong@zhonggu-demo.cn",
        "state": "draft",
    },
    # ===================== 已撤榜（withdrawn）=====================
    {
        "issuer": "kq_pharma",
        "creator": "enterprise6@demo.cn",
        "title": "口服固体制剂连续制造过程分析技术（PAT）开发",
        "kind": "other",
        "field": "生物医药",
        "industry_tags": ["生物医药产业链", "智能制造"],
        "summary": (
            "企业拟将某片剂产品由批次生产转为连续直压生产，需要建立混合均匀度、主药含量和片剂硬度的在线监测"
            "与实时放行检测（RTRT）方法。征集近红外/拉曼光谱在线模型建立及过程控制策略方案。"
        ),
        "detail": (
            "连续生产线包括 3 台失重式喂料器、连续混合机和高速旋转压片机，目标产能 30 kg/h。"
            "主药含量 5% w/w，目前离线 HPLC 放行周期 2 天。"
            "试用便携式 NIR 在线探头时，含量模型 RMSEP 为 3.8%，不满足 ±2% 的要求；混合机出口处探头易粘粉。"
            "产品品规和注册申报计划属于保密信息。"
        ),
        "indicators": [
            {"name": "含量预测误差 RMSEP", "target": "≤2.0", "unit": "%", "method": "与 HPLC 参考值对比验证"},
            {"name": "混合均匀度 RSD", "target": "≤3", "unit": "%", "method": "在线光谱 + 取样 HPLC"},
            {"name": "放行周期", "target": "≤4", "unit": "h", "method": "实时放行流程计时"},
        ],
        "bounty_wan": "90",
        "investment_wan": "300",
        "funding_mode": "reward",
        "max_winners": 1,
        "period_months": 12,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "",
        "confidentiality": "desensitized",
        "contact_name": "孙海涛",
        "contact_phone": "0512-66907735",
        "contact_email": "bd@kangqiao-demo.cn",
        "state": "withdrawn",
        "withdraw_reason": "企业已与设备供应商签订整线交钥匙合同，PAT 模块随设备一并交付，本榜需求不再保留。",
    },
    {
        "issuer": "xc_semi",
        "creator": "enterprise3@demo.cn",
        "title": "功率分立器件粗铜线键合替代铝线工艺可靠性",
        "kind": "import_substitution",
        "field": "集成电路",
        "industry_tags": ["集成电路产业链", "功率半导体"],
        "summary": (
            "TO-247 等封装的功率分立器件由粗铝线键合转向粗铜线键合，以提升电流能力和功率循环寿命，"
            "但出现芯片弹坑、第二焊点脱落等问题，键合设备和铜线均依赖进口。"
            "征集粗铜线键合参数优化、芯片金属化层匹配及可靠性验证方案。"
        ),
        "detail": (
            "现用 15 mil 粗铝线超声楔焊，计划切换为 12 mil 粗铜线，设备为进口重型楔焊机。"
            "试产 5000 只样品，芯片弹坑率 0.6%，第二焊点（框架侧）拉力不足比例 1.1%。"
            "芯片正面为 AlSiCu 4 μm 金属化层，弹坑主要发生在栅极附近。"
            "HTRB 1000 h 后 2 只失效，H3TRB 尚未完成。客户型号与芯片供应商为保密信息。"
        ),
        "indicators": [
            {"name": "弹坑率", "target": "0", "unit": "ppm", "method": "化学去除键合后显微检查，抽样 3000 只"},
            {"name": "键合拉力", "target": "≥1500", "unit": "gf", "method": "拉力测试，抽样 CPK≥1.67"},
            {"name": "HTRB / H3TRB", "target": "0 失效", "unit": "", "method": "AEC-Q101，1000 h"},
        ],
        "bounty_wan": "200",
        "investment_wan": "600",
        "funding_mode": "milestone",
        "max_winners": 1,
        "period_months": 12,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "",
        "confidentiality": "desensitized",
        "contact_name": "刘志强",
        "contact_phone": "0512-66885520",
        "contact_email": "tech@xincheng-demo.cn",
        "state": "withdrawn",
        "deadline_days": 20,  # 已发布后撤榜
        "withdraw_reason": "企业战略调整，分立器件产线已整体转移至外省子公司，本需求暂停。",
    },
    # ===================== 评定及奖榜（publicity → contracted → accepted → awarded → closed / failed）
    # "bids" 为截止前提交的揭榜方案（按序排名），"winners" 为确定的揭榜方；"award" 描述签约后的进展：
    # 日期以今天为基准（负数为若干天前），每一步都经由正式操作和工作流推进。
    {
        "issuer": "lh_env",
        "creator": "enterprise9@demo.cn",
        "title": "印染废水深度处理与中水高品质回用技术",
        "title_en": "Advanced treatment and high-quality reuse of dyeing wastewater",
        "summary_en": (
            "The combined wastewater of the park's dyeing works is deeply coloured and rich in "
            "refractory organics; today's biological plus Fenton treatment meets the discharge limits "
            "but the water cannot be reused for dyeing. We seek a complete advanced-treatment and "
            "membrane reuse solution that makes the water fit for dyeing at a lower running cost."
        ),
        "kind": "industry_shortage",
        "field": "节能环保",
        "industry_tags": ["纺织服装产业链", "工业废水治理", "绿色低碳"],
        "summary": (
            "园区印染企业集中排放的综合废水色度高、难降解有机物含量高，现有生化加芬顿工艺出水只能达标排放，"
            "难以回用于染色工序。征集深度处理与膜法回用的整体方案，使回用水满足染色用水要求并降低运行成本。"
        ),
        "detail": (
            "处理规模 8000 m³/d，进水 COD 1200–1800 mg/L、色度 400–600 倍，含聚乙烯醇和分散染料。"
            "现有工艺为水解酸化—A/O—芬顿—混凝沉淀，出水 COD 约 70 mg/L，回用率不足 15%。"
            "曾试验超滤加反渗透，反渗透膜 2 个月内污堵严重。"
        ),
        "indicators": [
            {"name": "回用水 COD", "target": "≤20", "unit": "mg/L", "method": "HJ 828 重铬酸盐法"},
            {"name": "回用水色度", "target": "≤5", "unit": "倍", "method": "HJ 1182 稀释倍数法"},
            {"name": "中水回用率", "target": "≥60", "unit": "%", "method": "连续运行 30 天水量平衡"},
        ],
        "bounty_wan": "260",
        "investment_wan": "1200",
        "funding_mode": "reward",
        "max_winners": 1,
        "period_months": 18,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "具有工业废水膜法回用工程业绩者优先",
        "confidentiality": "public",
        "contact_name": "郑凯",
        "contact_phone": "0512-66907721",
        "contact_email": "zhengk@lvhe-demo.cn",
        "state": "publicity",
        "deadline_days": -16,
        "decided_days": -2,
        "decision_note": "评审组一致认为该方案臭氧催化氧化与抗污染膜组合路线成熟，中试数据完整，综合得分第一。",
        "bids": [
            {"solver": "solver3@demo.cn", "title": "臭氧催化氧化—抗污染膜组合深度处理回用工艺",
             "approach": "非均相臭氧催化氧化去除色度和难降解有机物，抗污染超滤加低压反渗透回用，浓水经高级氧化后达标排放。",
             "wan": "250", "partner": ""},
            {"solver": "solver6@demo.cn", "title": "电催化氧化耦合纳滤的印染废水回用技术",
             "approach": "三维电极电催化氧化脱色，纳滤截留二价盐和残余有机物，产水直接回用于前处理工序。",
             "wan": "230", "partner": ""},
        ],
        "winners": ["solver3@demo.cn"],
    },
    {
        "issuer": "zg_bearing",
        "creator": "enterprise4@demo.cn",
        "title": "高速精密轴承 PEEK 复合材料保持架注塑成型技术",
        "kind": "import_substitution",
        "field": "高端装备",
        "industry_tags": ["高端装备产业链", "轴承", "特种工程塑料"],
        "summary": (
            "高速电主轴与新能源汽车电驱轴承需要耐高温、低摩擦、尺寸稳定的工程塑料保持架，"
            "目前主要依赖进口。征集 PEEK 基复合材料配方与精密注塑成型工艺方案，实现保持架国产化。"
        ),
        "detail": (
            "目标产品为 7008C 与 6208 两个规格的高速轴承保持架，dmN 值要求 1.8×10⁶ 以上。"
            "进口保持架为碳纤维增强 PEEK，价格约为国产钢保持架的 12 倍。"
            "企业试制的玻纤增强 PEEK 保持架在 150 ℃ 台架试验 200 h 后兜孔磨损超标，注塑件圆度波动 0.04 mm。"
            "进口保持架供应商及采购价格不得外泄。"
        ),
        "indicators": [
            {"name": "保持架圆度", "target": "≤0.015", "unit": "mm", "method": "圆度仪测量，每批抽检 30 件"},
            {"name": "150 ℃ 台架寿命", "target": "≥1000", "unit": "h", "method": "高速轴承寿命试验机，dmN 1.8×10⁶"},
            {"name": "兜孔磨损量", "target": "≤0.02", "unit": "mm", "method": "台架试验后三坐标测量"},
        ],
        "bounty_wan": "360",
        "investment_wan": "1100",
        "funding_mode": "milestone",
        "max_winners": 1,
        "period_months": 24,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "具备高分子材料改性与精密注塑研发条件",
        "confidentiality": "desensitized",
        "contact_name": "张国栋",
        "contact_phone": "0512-66893318",
        "contact_email": "zhanggd@zhonggu-demo.cn",
        "state": "contracted",
        "deadline_days": -205,
        "decided_days": -192,
        "decision_note": "该方案材料配方与模具温控设计针对性强，团队有 PEEK 改性量产经验，评审得分最高。",
        "bids": [
            {"solver": "solver2@demo.cn", "title": "碳纤维/PTFE 协同改性 PEEK 保持架材料与精密注塑工艺",
             "approach": "短切碳纤维增强加 PTFE 与石墨润滑改性，模流分析优化浇口与冷却，配合退火消除残余应力。",
             "wan": "320", "partner": ""},
            {"solver": "solver4@demo.cn", "title": "PEEK 保持架注塑成型智能工艺窗口控制",
             "approach": "在线监测模腔压力与温度，机器学习建立工艺窗口，保证圆度一致性。",
             "wan": "300", "partner": ""},
        ],
        "winners": ["solver2@demo.cn"],
        "award": {
            "signed_days": -182,
            "contracts": [{
                "solver": "solver2@demo.cn", "amount_wan": "320", "subsidy_percent": 20,
                "subsidy_cap_wan": "60",
                "milestones": [
                    {"title": "材料配方定型与小试", "deliverable": "配方报告与小试性能检测报告", "share": 20,
                     "due_days": -120, "progress": "approved", "paid": True,
                     "report": "完成 6 组配方对比，碳纤维 20% + PTFE 10% 配方摩擦系数 0.18，满足设计要求。"},
                    {"title": "注塑工艺定型", "deliverable": "工艺文件与首批 200 件尺寸检测报告", "share": 30,
                     "due_days": -8, "progress": "reported",
                     "report": "模具改为 8 点针阀浇口，首批 200 件圆度 0.011–0.014 mm，已附检测报告。"},
                    {"title": "台架试验", "deliverable": "150 ℃ 台架 1000 h 试验报告", "share": 20,
                     "due_days": -5, "progress": "pending"},
                    {"title": "装机验证与验收", "deliverable": "用户装机验证报告", "share": 30,
                     "due_days": 160, "progress": "pending"},
                ],
            }],
        },
    },
    {
        "issuer": "rs_software",
        "creator": "enterprise10@demo.cn",
        "title": "工业表面缺陷检测视觉模型轻量化与边缘部署",
        "kind": "industry_shortage",
        "field": "电子信息",
        "industry_tags": ["工业软件", "机器视觉", "智能制造"],
        "summary": (
            "面向钢板、锂电极片等连续卷材表面缺陷检测，现有深度学习模型精度高但算力需求大，"
            "难以在产线边缘设备上实时运行。以赛马方式征集模型轻量化与边缘部署方案，分阶段择优支持。"
        ),
        "detail": (
            "产线速度 120 m/min，幅宽 1.6 m，8 台 8K 线阵相机，缺陷类型 14 类。"
            "现有模型在服务器 GPU 上单帧推理 45 ms，边缘盒子（国产 AI 芯片，16 TOPS）上无法实时运行。"
        ),
        "indicators": [
            {"name": "缺陷检出率", "target": "≥99", "unit": "%", "method": "企业标注的 2 万张测试集"},
            {"name": "误报率", "target": "≤0.5", "unit": "%", "method": "连续生产 72 h 统计"},
            {"name": "边缘端单帧推理时间", "target": "≤15", "unit": "ms", "method": "16 TOPS 边缘设备实测"},
        ],
        "bounty_wan": "450",
        "investment_wan": "1300",
        "funding_mode": "horse_race",
        "max_winners": 3,
        "period_months": 18,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "赛马：入选团队先完成原型与基准测试，中期评审淘汰末位",
        "confidentiality": "public",
        "contact_name": "何文博",
        "contact_phone": "0512-66909930",
        "contact_email": "hewb@ruisi-demo.cn",
        "state": "contracted",
        "deadline_days": -152,
        "decided_days": -140,
        "decision_note": "按赛马规则确定综合得分前三名的团队入选，分别签约，中期评审后择优继续支持。",
        "bids": [
            {"solver": "solver4@demo.cn", "title": "知识蒸馏与结构化剪枝的缺陷检测模型边缘部署",
             "approach": "大模型蒸馏到轻量检测网络，通道剪枝与 INT8 量化，面向国产 AI 芯片算子优化。",
             "wan": "150", "partner": ""},
            {"solver": "solver1@demo.cn", "title": "小样本缺陷生成与轻量化检测一体化方案",
             "approach": "扩散模型生成稀有缺陷样本，轻量骨干网络加注意力模块，流水线并行推理。",
             "wan": "150", "partner": ""},
            {"solver": "solver6@demo.cn", "title": "面向线阵相机的多尺度缺陷实时检测",
             "approach": "多尺度特征金字塔与瓦片并行推理，FPGA 预处理降低边缘端负载。",
             "wan": "150", "partner": ""},
            {"solver": "solver5@demo.cn", "title": "基于异常检测的无监督表面缺陷识别",
             "approach": "正常样本重建加异常评分，减少标注工作量。",
             "wan": "140", "partner": ""},
        ],
        "winners": ["solver4@demo.cn", "solver1@demo.cn", "solver6@demo.cn"],
        "award": {
            "signed_days": -132,
            "contracts": [
                {"solver": solver, "amount_wan": "150", "milestones": [
                    {"title": "原型与基准测试", "deliverable": "原型系统与测试集评测报告", "share": 40,
                     "due_days": -60, "progress": "approved", "paid": True,
                     "report": "原型系统完成，测试集检出率与推理时间评测报告已上传。"},
                    {"title": "产线部署与验收", "deliverable": "72 h 连续生产测试报告", "share": 60,
                     "due_days": 110, "progress": "pending"},
                 ], **extra}
                for solver, extra in (
                    ("solver4@demo.cn", {}),
                    ("solver1@demo.cn", {}),
                    ("solver6@demo.cn", {"eliminated": {
                        "days": -48, "reason": "中期评审：边缘端推理时间 38 ms，三支队伍中排名末位，按赛马规则淘汰。"}}),
                )
            ],
        },
    },
    {
        "issuer": "xn_battery",
        "creator": "enterprise5@demo.cn",
        "title": "锂电池极片涂布面密度在线检测与闭环控制",
        "kind": "import_substitution",
        "field": "新能源",
        "industry_tags": ["新能源产业链", "动力电池", "智能制造"],
        "summary": (
            "锂电池极片涂布面密度一致性直接影响电芯容量与安全，目前在线测量主要依赖进口射线测厚仪。"
            "征集面密度在线检测装备与涂布闭环控制方案，替代进口设备。"
        ),
        "detail": (
            "涂布机幅宽 1300 mm、速度 80 m/min，双面挤压涂布。"
            "进口 β 射线面密度仪单台约 260 万元，交货期 9 个月。"
        ),
        "indicators": [
            {"name": "面密度测量重复性", "target": "≤0.2", "unit": "%", "method": "同一位置静态测量 30 次 3σ"},
            {"name": "扫描速度", "target": "≥600", "unit": "mm/s", "method": "在线扫描实测"},
            {"name": "闭环后面密度 CV", "target": "≤0.8", "unit": "%", "method": "连续涂布 8 h 统计"},
        ],
        "bounty_wan": "240",
        "investment_wan": "800",
        "funding_mode": "reward",
        "max_winners": 1,
        "period_months": 12,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "具有射线或激光测量装备研制经验",
        "confidentiality": "public",
        "contact_name": "赵雪梅",
        "contact_phone": "0512-66902316",
        "contact_email": "zhaoxm@xinneng-demo.cn",
        "state": "accepted",
        "deadline_days": -335,
        "decided_days": -322,
        "decision_note": "该方案测量原理成熟、样机指标领先，评审组推荐入选。",
        "bids": [
            {"solver": "solver1@demo.cn", "title": "X 射线面密度在线测量仪与涂布闭环控制系统",
             "approach": "低能 X 射线透射测量，C 型架往复扫描，模型预测控制调节模头间隙。",
             "wan": "220", "partner": ""},
            {"solver": "solver3@demo.cn", "title": "激光三角法厚度—面密度复合测量方案",
             "approach": "双侧激光测厚结合密度标定模型，非射线方案免除辐射许可。",
             "wan": "200", "partner": ""},
        ],
        "winners": ["solver1@demo.cn"],
        "award": {
            "signed_days": -312,
            "contracts": [{
                "solver": "solver1@demo.cn", "amount_wan": "220", "subsidy_percent": 30,
                "subsidy_cap_wan": "60",
                "milestones": [
                    {"title": "样机研制", "deliverable": "样机与实验室测试报告", "share": 40,
                     "due_days": -200, "progress": "approved",
                     "report": "样机完成，静态重复性 0.15%，扫描速度 650 mm/s。"},
                    {"title": "产线联调", "deliverable": "8 h 连续涂布闭环测试报告", "share": 60,
                     "due_days": -40, "progress": "approved",
                     "report": "在 3 号涂布线完成闭环联调，面密度 CV 0.62%。"},
                ],
                "acceptance": {"submitted_days": -30, "signed_off_days": -22, "passed_days": -12,
                               "summary": "三项指标均达到合同要求，第三方检测报告已上传。",
                               "measured": ["0.15", "650", "0.62"], "opinion": "同意验收。"},
                "payments": [{"payer": "enterprise", "wan": "220", "days": -6,
                              "reference": "电汇 HX2024-0611"}],
            }],
        },
    },
    {
        "issuer": "nf_agri",
        "creator": "enterprise8@demo.cn",
        "title": "果蔬冷库智能除霜与节能控制技术",
        "kind": "industry_shortage",
        "field": "现代农业",
        "industry_tags": ["现代农业", "冷链物流", "节能"],
        "summary": (
            "产地果蔬冷库蒸发器结霜严重，定时电热除霜能耗高、库温波动大，影响果蔬品质。"
            "征集按需除霜与冷库节能控制方案，降低能耗并稳定库温。"
        ),
        "detail": (
            "示范冷库 6 座，单库容积 1200 m³，采用氟利昂直膨系统与电热除霜，每 6 h 除霜一次。"
            "除霜期间库温上升 3–5 ℃，年耗电约 38 万 kWh。"
        ),
        "indicators": [
            {"name": "冷库综合节能率", "target": "≥15", "unit": "%", "method": "与改造前同期能耗对比"},
            {"name": "除霜期间库温波动", "target": "≤1", "unit": "℃", "method": "库内 9 点温度记录"},
        ],
        "bounty_wan": "120",
        "investment_wan": "350",
        "funding_mode": "milestone",
        "max_winners": 1,
        "period_months": 12,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "",
        "confidentiality": "public",
        "contact_name": "吴秀兰",
        "contact_phone": "0512-66905512",
        "contact_email": "wuxl@nongfeng-demo.cn",
        "state": "awarded",
        "deadline_days": -425,
        "decided_days": -412,
        "decision_note": "方案采用霜层光电检测与热气除霜，节能效果有实测数据支撑，综合得分第一。",
        "bids": [
            {"solver": "solver4@demo.cn", "title": "霜层光电感知按需除霜与冷库群控系统",
             "approach": "光电传感器识别霜层厚度，热气旁通除霜，冷库群负荷协同调度。",
             "wan": "110", "partner": ""},
            {"solver": "solver2@demo.cn", "title": "基于压差与模型预测的冷库除霜优化",
             "approach": "风机压差估计结霜量，模型预测控制优化除霜时机。",
             "wan": "100", "partner": ""},
        ],
        "winners": ["solver4@demo.cn"],
        "award": {
            "signed_days": -402,
            "contracts": [{
                "solver": "solver4@demo.cn", "amount_wan": "110", "subsidy_percent": 20,
                "subsidy_cap_wan": "30",
                "milestones": [
                    {"title": "样机与单库试验", "deliverable": "单库试验报告", "share": 30,
                     "due_days": -300, "progress": "approved", "paid": True,
                     "report": "1 号冷库改造完成，除霜能耗下降 41%。"},
                    {"title": "六库推广改造", "deliverable": "改造竣工报告", "share": 40,
                     "due_days": -130, "progress": "approved", "paid": True,
                     "report": "6 座冷库全部完成改造并接入群控平台。"},
                    {"title": "整季运行评估", "deliverable": "整季节能评估报告", "share": 30,
                     "due_days": -45, "progress": "approved", "paid": True,
                     "report": "整季运行综合节能 18.6%，除霜期间库温波动 0.8 ℃。"},
                ],
                "acceptance": {"submitted_days": -35, "signed_off_days": -28, "passed_days": -18,
                               "summary": "整季运行数据表明两项指标均达标。",
                               "measured": ["18.6", "0.8"], "opinion": "节能效果明显，同意验收。"},
            }],
        },
    },
    {
        "issuer": "jk_medical",
        "creator": "enterprise11@demo.cn",
        "title": "医用防护服 SMS 复合非织造布抗静电与透湿改性",
        "kind": "import_substitution",
        "field": "新材料",
        "industry_tags": ["纺织服装产业链", "医用防护", "非织造材料"],
        "summary": (
            "医用防护服用 SMS 复合非织造布需同时满足阻隔、抗静电和透湿要求，高端产品依赖进口。"
            "征集抗静电与透湿改性材料及工艺方案，提升国产防护服舒适性与安全性。"
        ),
        "detail": (
            "现有 SMS 生产线幅宽 3.2 m，克重 45 g/m²，表面电阻率 10¹³ Ω，透湿量约 2500 g/(m²·24h)。"
            "主要客户为某外资医疗器械品牌，客户名称与订单量不得外泄。"
        ),
        "indicators": [
            {"name": "表面电阻率", "target": "≤1×10⁹", "unit": "Ω", "method": "GB/T 12703.4"},
            {"name": "透湿量", "target": "≥4000", "unit": "g/(m²·24h)", "method": "GB/T 12704.1 吸湿法"},
            {"name": "静水压", "target": "≥1.67", "unit": "kPa", "method": "GB 19082 附录"},
        ],
        "bounty_wan": "150",
        "investment_wan": "500",
        "funding_mode": "post_funding",
        "max_winners": 1,
        "period_months": 12,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "具有非织造材料改性研究基础",
        "confidentiality": "desensitized",
        "contact_name": "林晓燕",
        "contact_phone": "0512-66908826",
        "contact_email": "linxy@jiekang-demo.cn",
        "state": "closed",
        "deadline_days": -505,
        "decided_days": -492,
        "decision_note": "该团队在熔喷与驻极材料方面积累深厚，方案改性路线可直接在现有产线实施。",
        "bids": [
            {"solver": "solver1@demo.cn", "title": "SMS 非织造布在线抗静电整理与透湿微孔调控",
             "approach": "纺粘层添加永久性抗静电母粒，熔喷层微孔结构调控提升透湿，在线浸轧整理。",
             "wan": "150", "partner": "示范市产品质量检验研究院"},
            {"solver": "solver5@demo.cn", "title": "医用防护材料生物相容性抗静电涂层",
             "approach": "水性抗静电涂层结合生物相容性评价，兼顾皮肤接触安全。",
             "wan": "140", "partner": ""},
        ],
        "winners": ["solver1@demo.cn"],
        "award": {
            "signed_days": -482,
            "contracts": [{
                "solver": "solver1@demo.cn", "amount_wan": "150", "subsidy_percent": 30,
                "subsidy_cap_wan": "50",
                "milestones": [
                    {"title": "改性母粒与小试", "deliverable": "小试样品检测报告", "share": 40,
                     "due_days": -380, "progress": "approved",
                     "report": "抗静电母粒添加 2.5%，表面电阻率降至 10⁸ Ω。"},
                    {"title": "产线试生产", "deliverable": "试生产总结与第三方检测报告", "share": 60,
                     "due_days": -160, "progress": "approved",
                     "report": "完成 3 批次共 12 万米试生产，三项指标全部达标。"},
                ],
                "acceptance": {"submitted_days": -150, "signed_off_days": -140, "passed_days": -130,
                               "summary": "三项指标均达标，产品已通过客户认证。",
                               "measured": ["5×10⁸", "4600", "1.92"], "opinion": "同意验收。"},
                "payments": [
                    {"payer": "enterprise", "wan": "150", "days": -110, "reference": "电汇 JK-2024-118"},
                    {"payer": "government", "wan": "45", "days": -60, "reference": "科技局拨款 KJ-2024-37"},
                ],
            }],
            "finish": True,
        },
    },
    {
        "issuer": "hx_material",
        "creator": "enterprise1@demo.cn",
        "title": "钠离子电池硬碳负极材料低成本制备技术",
        "kind": "industry_shortage",
        "field": "新能源",
        "industry_tags": ["新能源产业链", "新材料产业链", "储能"],
        "summary": (
            "钠离子电池硬碳负极材料成本高、首次效率偏低，制约储能规模化应用。"
            "征集以生物质或树脂为前驱体的低成本硬碳制备工艺，提升首效与循环性能。"
        ),
        "detail": (
            "企业已建 50 t/年硬碳中试线，以椰壳为前驱体，首次库仑效率 82%，成本约 8 万元/t。"
            "前驱体供应商及碳化工艺曲线为保密信息。"
        ),
        "indicators": [
            {"name": "可逆比容量", "target": "≥320", "unit": "mAh/g", "method": "扣式半电池 0.1C"},
            {"name": "首次库仑效率", "target": "≥90", "unit": "%", "method": "扣式半电池 0.1C"},
            {"name": "材料成本", "target": "≤4", "unit": "万元/t", "method": "中试线物料与能耗核算"},
        ],
        "bounty_wan": "280",
        "investment_wan": "900",
        "funding_mode": "milestone",
        "max_winners": 1,
        "period_months": 18,
        "eligible_org_types": [],
        "eligible_regions": [],
        "qualifications": "",
        "confidentiality": "public",
        "contact_name": "陈建华",
        "contact_phone": "0512-66881201",
        "contact_email": "chenjh@huadong-demo.cn",
        "state": "failed",
        "deadline_days": -305,
        "decided_days": -292,
        "decision_note": "该方案预氧化交联路线有望显著提升首效，评审得分第一。",
        "bids": [
            {"solver": "solver3@demo.cn", "title": "生物质预氧化交联—低温碳化硬碳制备工艺",
             "approach": "前驱体预氧化交联抑制石墨化，低温分段碳化降低能耗，表面包覆提升首效。",
             "wan": "260", "partner": ""},
            {"solver": "solver6@demo.cn", "title": "酚醛树脂基硬碳孔结构调控",
             "approach": "树脂前驱体模板法调控闭孔结构，提升储钠容量。",
             "wan": "250", "partner": ""},
        ],
        "winners": ["solver3@demo.cn"],
        "award": {
            "signed_days": -282,
            "contracts": [{
                "solver": "solver3@demo.cn", "amount_wan": "260", "subsidy_percent": 20,
                "subsidy_cap_wan": "40",
                "milestones": [
                    {"title": "实验室工艺开发", "deliverable": "实验室样品检测报告", "share": 30,
                     "due_days": -180, "progress": "approved", "paid": True,
                     "report": "实验室样品可逆容量 318 mAh/g，首效 87%。"},
                    {"title": "中试验证", "deliverable": "中试样品第三方检测报告", "share": 40,
                     "due_days": -45, "progress": "pending"},
                    {"title": "成本核算与验收", "deliverable": "成本核算报告", "share": 30,
                     "due_days": 60, "progress": "pending"},
                ],
                "failed": {"rule": "recover",
                           "reason": "中试样品首效与容量两次复测均未达到合同约定指标，团队书面确认无法在攻关期内达标。",
                           "recovery_wan": "50", "recovered_wan": "20", "reference": "退款 TK-0093"},
            }],
        },
    },
]

# 脱敏榜单的详情查看申请（揭榜方签署保密承诺后申请查看 detail）。
ACCESS_REQUESTS = [
    {
        "challenge_title": "车规级功率模块焊层空洞率控制与热循环可靠性提升",
        "solver": "solver2@demo.cn",
        "status": "granted",
        "note": "团队承担过车用 SiC 模块银烧结与焊层可靠性项目，具备 SAM 和功率循环测试平台，申请查看完整技术细节以评估方案。",
        "accepted_undertaking": True,
    },
    {
        "challenge_title": "车规级功率模块焊层空洞率控制与热循环可靠性提升",
        "solver": "solver3@demo.cn",
        "status": "requested",
        "note": "研究院可提供焊层空洞 X-ray 自动判读与在线检测配套方案，希望了解现有检测流程与数据。",
        "accepted_undertaking": True,
    },
    {
        "challenge_title": "单抗 CHO 细胞高表达株构建与无血清培养基国产化",
        "solver": "solver5@demo.cn",
        "status": "granted",
        "note": "平台已有化学成分限定培养基和 2000 L 放大经验，申请查看现有工艺数据和质量属性要求。",
        "accepted_undertaking": True,
    },
    {
        "challenge_title": "医用导管长效亲水润滑与抗菌涂层技术",
        "solver": "solver1@demo.cn",
        "status": "refused",
        "note": "拟结合团队载银抗菌涂层专利提出方案，申请查看现有涂层工艺参数。",
        "accepted_undertaking": True,
    },
    {
        "challenge_title": "医用导管长效亲水润滑与抗菌涂层技术",
        "solver": "solver5@demo.cn",
        "status": "requested",
        "note": "可承担涂层细胞毒性、抗凝血性能评价及工艺验证，申请查看详细技术要求。",
        "accepted_undertaking": True,
    },
]

# 定向榜单的邀请对象。
INVITATIONS = [
    {"challenge_title": "硫化物全固态电池电解质与高镍正极界面稳定性提升", "solver": "solver6@demo.cn"},
    {"challenge_title": "硫化物全固态电池电解质与高镍正极界面稳定性提升", "solver": "solver1@demo.cn"},
    {"challenge_title": "储能用磷酸铁锂电池低温放电与低温充电性能提升", "solver": "solver6@demo.cn"},
    {"challenge_title": "国产三维 CAD 几何建模内核关键算法攻关", "solver": "solver4@demo.cn"},
    {"challenge_title": "一体化压铸用高强韧免热处理铝合金材料开发", "solver": "solver3@demo.cn"},
    {"challenge_title": "一体化压铸用高强韧免热处理铝合金材料开发", "solver": "solver1@demo.cn"},
]
