"""供给缺口 pages for the bureau: the map (by field, by region, the terms nobody in the pool speaks
to) and its drill-downs, whose lists are the very rows each figure counts (challenge.stats.supply)."""

from flask import abort, render_template, request
from flask_babel import gettext as _

from ..caching import cache, generation
from ..states import Role
from ..views_common import role_required
from .supply import SupplyMap, assemble, measure, pool_stamp
from .views import bp

WHICH = ("all", "gap", "thin")
CACHE_SECONDS = 600


def supply_map() -> SupplyMap:
    """The map, its matcher part kept in the cache until a 榜 or the expert pool changes (the
    audit chain's head and the pool's stamp are in the key) — a query per 榜 and per indicator
    term otherwise, on every page and drill-down."""
    key = f"supply-gaps:{generation()}:{pool_stamp()}"
    measured = cache.get(key)
    if measured is None:
        measured = measure()
        cache.set(key, measured, timeout=CACHE_SECONDS)
    return assemble(measured)


@bp.route("/admin/supply-gaps")
@role_required(Role.ADMIN)
def supply_gaps():
    gaps = supply_map()
    return render_template("stats/supply_gaps.html", gaps=gaps, by_field=gaps.by_field(),
                           by_region=gaps.by_region(), total=gaps.total(), terms=gaps.terms()[:30],
                           title=_("供给缺口"))


@bp.route("/admin/supply-gaps/list")
@role_required(Role.ADMIN)
def supply_gap_list():
    field, region = request.args.get("field", "")[:50], request.args.get("region", "")[:60]
    which = request.args.get("which", "gap")
    if which not in (*WHICH, "terms"):
        abort(404)
    gaps = supply_map()
    rows = gaps.challenges(field, region, which) if which != "terms" else []
    terms = gaps.terms(field, region) if which == "terms" else []
    titles = {r.challenge.id: r.challenge for r in gaps.rows}
    return render_template("stats/supply_list.html", gaps=gaps, rows=rows, terms=terms,
                           titles=titles, field=field, region=region, which=which,
                           title=_("供给缺口明细"))
