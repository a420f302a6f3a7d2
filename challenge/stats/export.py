"""The dashboard's figures as rows (one list for the page's table, the CSV and the workbook),
and the Excel / CSV files (exports/writers: money as numbers in 万元, the shared header style).
The units are the writer's kinds: a figure's cell is formatted as its unit."""

import io
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from ..exports.writers import RATE, RATIO, TEXT, Column, SafeCsvWriter, Typed, XlsxBook, fen_to_wan
from ..money import FEN_PER_WAN, format_wan
from .figures import Dashboard
from .filters import StatsFilter
from .records import BASIS, COUNT, DAYS, MONEY, figure_for

SECTIONS = (
    (_l("流程漏斗"), ("submitted", "published", "bid_challenges", "contracted", "accepted")),
    (_l("揭榜与匹配"), ("bids", "published_bids", "matched")),
    (_l("金额"), ("bounty", "investment", "@thresholds", "contracts", "contract_amount",
                 "subsidy_committed", "paid_total", "paid_enterprise", "paid_government")),
    (_l("周期"), ("days_to_contract", "days_to_accept")),
    (_l("执行与评审"), ("overdue", "assignments", "reviews")),
    (_l("成果转化"), ("tech_contract_amount", "tech_contracts", "results_registered", "patents_filed",
                  "patents_granted", "outcome_sales", "fiscal_paid", "outcome_overdue")),
)
PER_YUAN = "per_yuan"  # yuan of R&D investment per yuan of government money (a RATIO cell)
# Derived figures: (label, numerator, denominator, unit).
RATES = (
    (_l("发布率（发布 ÷ 征集）"), "published", "submitted", RATE),
    (_l("揭榜率（被揭榜 ÷ 发布）"), "bid_challenges", "published", RATE),
    (_l("签约率（签约 ÷ 被揭榜）"), "contracted", "bid_challenges", RATE),
    (_l("验收率（验收 ÷ 签约）"), "accepted", "contracted", RATE),
    (_l("匹配率（有合格方案的榜 ÷ 发布）"), "matched", "published", RATE),
    (_l("平均每榜方案数（方案 ÷ 发布）"), "published_bids", "published", RATIO),
    (_l("每元财政资金带动研发投入（带动研发投入 ÷ 财政资金实付）"), "investment", "fiscal_paid", PER_YUAN),
)
UNITS = {COUNT: _l("项"), MONEY: _l("万元"), DAYS: _l("天"), RATE: "%", RATIO: _l("个/榜"),
         PER_YUAN: _l("元/元")}



@dataclass
class Line:
    section: str
    key: str | None      # the drill-down figure, None for derived rates
    label: str
    value: float | int | Decimal | None
    unit: str
    basis: str

    @property
    def shown(self) -> str:
        """The value as the page shows it (万元 with thousands separators, rates in %)."""
        if self.value is None:
            return "—"
        if self.unit == MONEY:
            return format_wan(int(self.value * FEN_PER_WAN))
        if self.unit == RATE:
            return f"{self.value * 100:.1f}%"
        if self.unit == DAYS:
            return f"{self.value:.1f}"
        if self.unit in (RATIO, PER_YUAN):
            return f"{self.value:.2f}"
        return f"{self.value:,}"


def figure_lines(board: Dashboard) -> list[Line]:
    lines = []
    for section, keys in SECTIONS:
        for key in keys:
            for real in ([f"invest_ge:{t}" for t in board.thresholds] if key == "@thresholds" else [key]):
                figure = figure_for(real)
                value = board.values.get(real)
                if figure.unit == MONEY:
                    value = fen_to_wan(value or 0)
                label = str(figure.label)
                if figure.unit == DAYS:
                    label += _("（%(n)d 个榜）", n=board.counts.get(real, 0))
                lines.append(Line(str(section), real, label, value, figure.unit, str(BASIS[figure.basis])))
    for label, top, bottom, unit in RATES:
        lines.append(Line(_("转化率"), None, str(label), board.rate(top, bottom), unit,
                          _("分子、分母各按其口径计入期间")))
    for state, n in board.states:
        figure = figure_for(f"state:{state.value}")
        lines.append(Line(_("各状态榜单"), figure.key, str(state.label), n, COUNT,
                          str(BASIS[figure.basis])))
    return lines


def _csv_number(line: Line) -> str:
    if line.value is None:
        return ""
    if line.unit == MONEY:
        shown = line.value.quantize(Decimal("0.01"))
        return str(shown if shown == line.value else line.value.normalize())
    if line.unit == RATE:
        return f"{line.value * 100:.1f}"
    if line.unit in (DAYS, RATIO, PER_YUAN):
        return f"{line.value:.1f}" if line.unit == DAYS else f"{line.value:.2f}"
    return str(line.value)


HEADERS = (_l("类别"), _l("指标"), _l("数值"), lazy_pgettext("measure", "单位"), _l("统计口径"))


def to_csv(board: Dashboard, f: StatsFilter) -> bytes:
    """UTF-8 with a BOM so Excel opens the Chinese text correctly."""
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow([str(h) for h in HEADERS])
    for line in figure_lines(board):
        writer.writerow([line.section, line.label, _csv_number(line), str(UNITS[line.unit]), line.basis])
    writer.writerow([_("筛选条件"), f.describe(), "", "", ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(board: Dashboard, f: StatsFilter) -> bytes:
    book = XlsxBook()
    book.add_table(_("统计指标"), [Column(str(HEADERS[0]), TEXT, 14), Column(str(HEADERS[1]), TEXT, 34),
                                Column(str(HEADERS[2]), TEXT, 16), Column(str(HEADERS[3]), TEXT, 8),
                                Column(str(HEADERS[4]), TEXT, 44)],
                   ([line.section, line.label, Typed(_cell_kind(line), _xlsx_value(line)),
                     str(UNITS[line.unit]), line.basis] for line in figure_lines(board)))
    group_columns = [Column(_("发布榜单"), COUNT, 12), Column(_("签约榜单"), COUNT, 12),
                     Column(_("揭榜总金额（万元）"), MONEY, 20),
                     Column(_("带动研发投入（万元）"), MONEY, 22)]
    for title, head, groups in ((_("按榜单类型"), _("榜单类型"), board.by_kind),
                                (_("按领域"), _("领域"), board.by_field),
                                (_("按地区"), _("发榜单位地区"), board.by_region)):
        book.add_table(title, [Column(head, TEXT, 22), *group_columns],
                       ([g.label, g.published, g.contracted, g.bounty, g.investment] for g in groups))
    book.add_table(_("趋势"), [Column(_("月份") if board.granularity == "month" else _("年份"), TEXT, 12),
                              Column(_("发布榜单"), COUNT, 12), Column(_("签约榜单"), COUNT, 12)],
                   ([b.label, b.published, b.contracted] for b in board.trend))
    book.add_table(_("评审工作量"), [Column(_("专家"), TEXT, 16), Column(_("单位"), TEXT, 28),
                                   Column(_("评审分配"), COUNT, 12), Column(_("提交评分"), COUNT, 12)],
                   ([r.name, r.organization, r.assigned, r.reviewed] for r in board.reviewers))
    book.add_table(_("筛选条件"), [Column(_("项目"), TEXT, 18), Column(_("内容"), TEXT, 60)],
                   [[_("统计期间与筛选"), f.describe()]])
    return book.bytes()


def _cell_kind(line: Line) -> str:
    return RATIO if line.unit == PER_YUAN else line.unit


def _xlsx_value(line: Line):
    """The figure as the workbook stores it: money back in 分 (the writer shows 万元)."""
    if line.unit == MONEY and line.value is not None:
        return int(line.value * FEN_PER_WAN)
    return line.value
