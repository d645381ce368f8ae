"""Generate the bundled demo department: synthetic CSV files for the built-in policy.

    python scripts/make_demo_data.py [OUT_DIR]

writes ``employees.csv``, ``measurements.csv``, ``incidents.csv``, ``ratings.csv``,
``surveys.csv``, ``goals.csv`` and ``README.md`` into ``src/medsales/catalog/demo/`` (or
``OUT_DIR``).
Every person and number is invented. The output is the same byte for byte on every run
and every platform: each random draw is a SHA-256 hash of a fixed seed and the draw's
name (who, which KPI, which month), read as an exact fraction, so no float and no
``random`` module state is involved, and adding a person changes nobody else's numbers.

Standard library and ``medsales`` only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections.abc import Iterator, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import attrs

from medsales.io.csv import (
    EMPLOYEES_COLUMNS,
    GOALS_COLUMNS,
    INCIDENTS_COLUMNS,
    MEASUREMENTS_COLUMNS,
    RATINGS_COLUMNS,
    SURVEYS_COLUMNS,
    write_csv_atomic,
    write_text_atomic,
)
from medsales.targets import seasonal_targets

SEED = "medsales-demo-2026"
YEAR = 2026  # the latest year; the year before it came later, so that the data of 2026
# (each draw named by its month) stayed as they were when the demo had one year
FIRST_YEAR = 2025
YEARS = (FIRST_YEAR, YEAR)
MONTHS = tuple(f"{y}-{m:02d}" for y in YEARS for m in range(1, 13))
QUARTERS = tuple(f"{y}-Q{q}" for y in YEARS for q in range(1, 5))
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "src" / "medsales" / "catalog" / "demo"

# Chinese medical sales: a slow February (Spring Festival), a dip around National Day in
# October, and a strong December as hospitals spend their year-end budgets.
SEASONALITY = (
    Decimal("0.95"),
    Decimal("0.75"),
    Decimal("1.00"),
    Decimal("1.00"),
    Decimal("1.00"),
    Decimal("1.10"),
    Decimal("0.95"),
    Decimal("0.95"),
    Decimal("1.05"),
    Decimal("0.95"),
    Decimal("1.00"),
    Decimal("1.30"),
)

REP = "sales_representative"
MANAGER = "sales_manager"
MARKETING = "marketing_specialist"
AFTER_SALES = "after_sales_specialist"

# (region, team manager, representatives, marketing specialists, after-sales specialists)
TEAMS = (
    (
        "华东 East China",
        "陈志强",
        ("张伟", "李娜", "刘洋", "赵敏", "David Wang", "孙丽", "周杰", "吴静", "徐磊"),
        ("马丽", "朱琳"),
        ("胡军", "郭芳", "何平"),
    ),
    (
        "华南 South China",
        "林晓燕",
        ("黄志明", "梁嘉欣", "罗文", "谢婷", "Emily Chen", "冯浩", "邓佳", "曾子豪"),
        ("彭静", "萧雅"),
        ("蔡明", "潘晓"),
    ),
    (
        "华北 North China",
        "王海涛",
        ("高峰", "韩雪", "杨帆", "曹颖", "Kevin Liu", "田野", "董明", "袁博"),
        ("于佳", "宋晓"),
        ("Grace Zhao", "许强"),
    ),
)
HEAD = "周建国"

# The people the demo singles out (by name; ids follow from the order above).
STAR = "张伟"  # well above target all year
ROLE_CHANGER = "刘洋"  # representative → marketing specialist on 2026-10-01
WEAK = "罗文"  # far below target: grade D
FEW_SURVEYS = "谢婷"  # too few customer survey responses for CSAT in every quarter
JOINER = "曾子豪"  # joins on 2026-08-01
VETOED = "杨帆"  # strong sales, but a critical integrity breach in Q4: veto
NOT_APPLICABLE = "于佳"  # market share growth not applicable in 2026-11

JOIN_DATE = dt.date(YEAR, 8, 1)
CHANGE_DATE = dt.date(YEAR, 10, 1)


# --------------------------------------------------------------------------- draws


def unit(*key: object) -> Fraction:
    """A uniform draw in [0, 1), named by ``key``: the same key always gives the same draw."""
    text = ":".join(str(k) for k in (SEED, *key))
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return Fraction(int.from_bytes(digest[:8], "big"), 2**64)


def between(low: Fraction | int | str, high: Fraction | int | str, *key: object) -> Fraction:
    """A uniform draw in [low, high)."""
    lo, hi = Fraction(low), Fraction(high)
    return lo + (hi - lo) * unit(*key)


def noise(spread: Fraction | str, *key: object) -> Fraction:
    """A bell-shaped draw around 0 with standard deviation ``spread`` (sum of 3 uniforms)."""
    total = unit(*key, 1) + unit(*key, 2) + unit(*key, 3)
    return (total - Fraction(3, 2)) * 2 * Fraction(spread)


def count(trials: int, p: Fraction, *key: object) -> int:
    """A binomial draw: successes in ``trials`` trials of probability ``p``."""
    return sum(1 for i in range(trials) if unit(*key, i) < p)


def whole(value: Fraction) -> int:
    """Round to an integer, half to even (exact)."""
    return round(value)


def money(value: Fraction) -> Decimal:
    """An amount in whole yuan."""
    return Decimal(max(0, whole(value)))


def one_place(value: Fraction) -> Decimal:
    """A number with one decimal."""
    return Decimal(round(value * 10)) / 10


def two_places(value: Fraction) -> Decimal:
    """A number with two decimals."""
    return Decimal(round(value * 100)) / 100


def clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


# --------------------------------------------------------------------------- people


@attrs.frozen
class Assignment:
    """One row of the employees file."""

    role: str
    manager: str | None
    start: dt.date
    end: dt.date | None


@attrs.frozen
class Person:
    id: str
    name: str
    team: str
    assignments: tuple[Assignment, ...]

    def role_in(self, month: str) -> str | None:
        """The role held on the month's first day (every change falls on a first day)."""
        first = dt.date.fromisoformat(f"{month}-01")
        for a in self.assignments:
            if a.start <= first and (a.end is None or first <= a.end):
                return a.role
        return None

    def manager_in(self, month: str) -> str | None:
        first = dt.date.fromisoformat(f"{month}-01")
        for a in self.assignments:
            if a.start <= first and (a.end is None or first <= a.end):
                return a.manager
        return None

    def months(self, role: str | None = None) -> Iterator[str]:
        for month in MONTHS:
            held = self.role_in(month)
            if held is not None and (role is None or held == role):
                yield month


def hire_date(name: str) -> dt.date:
    """A hire date between 2015 and 2025; in the data's first year, the first of the month
    (the data are monthly, and a month is someone's when they hold the role on its first
    day)."""
    day = whole(between(0, 365 * 11, "hired", name))
    hired = dt.date(2015, 1, 5) + dt.timedelta(days=day)
    return hired.replace(day=1) if hired.year >= FIRST_YEAR else hired


def build_people() -> list[Person]:
    people: list[Person] = []
    number = iter(range(1, 1000))

    def new_id() -> str:
        return f"E{next(number):03d}"

    head = Person(new_id(), HEAD, "", (Assignment(MANAGER, None, dt.date(2014, 3, 3), None),))
    people.append(head)
    managers: list[Person] = []
    for region, manager_name, *_ in TEAMS:
        person = Person(
            new_id(),
            manager_name,
            region,
            (Assignment(MANAGER, head.id, hire_date(manager_name), None),),
        )
        managers.append(person)
    people.extend(managers)
    for (region, _, reps, marketing, after_sales), manager in zip(TEAMS, managers, strict=True):
        for role, names in ((REP, reps), (MARKETING, marketing), (AFTER_SALES, after_sales)):
            for name in names:
                rows: tuple[Assignment, ...]
                if name == JOINER:
                    rows = (Assignment(role, manager.id, JOIN_DATE, None),)
                elif name == ROLE_CHANGER:
                    rows = (
                        Assignment(
                            role, manager.id, hire_date(name), CHANGE_DATE - dt.timedelta(1)
                        ),
                        Assignment(MARKETING, manager.id, CHANGE_DATE, None),
                    )
                else:
                    rows = (Assignment(role, manager.id, hire_date(name), None),)
                people.append(Person(new_id(), name, region, rows))
    return people


def ability(person: Person, year: int = YEAR) -> Fraction:
    """How far above or below plan a person usually lands (1 = on plan); most people were
    a little further from it the year before (a trend to see)."""
    if person.name == STAR:
        return Fraction("1.20") if year == YEAR else Fraction("1.16")
    if person.name == WEAK:
        return Fraction("0.52") if year == YEAR else Fraction("0.58")
    if person.name == VETOED:
        return Fraction("1.12") if year == YEAR else Fraction("1.08")
    now = between("0.74", "1.14", "ability", person.id)
    if year == YEAR:
        return now
    return now - between("-0.05", "0.12", "progress", person.id)


def year_of(month: str) -> int:
    return int(month[:4])


def diligence(person: Person) -> Fraction:
    """How regularly a person logs reports, events, training (0 to 1)."""
    if person.name == WEAK:
        return Fraction("0.35")
    return between("0.45", "0.98", "diligence", person.id)


# --------------------------------------------------------------------------- measurements

Row = tuple[object, ...]


def measurement(
    person: Person,
    month: str,
    kpi: str,
    actual: object,
    target: object = None,
    weight: object = None,
    applicable: bool | None = None,
) -> Row:
    return (person.id, month, kpi, actual, target, weight, applicable)


Sales = dict[tuple[str, str], tuple[Decimal, Decimal]]
"""(employee id, month) → (sales actual, sales target) of the representatives."""


def rep_rows(
    person: Person, sales_targets: dict[str, dict[str, Decimal]], sales: Sales
) -> list[Row]:
    rows: list[Row] = []
    d = diligence(person)
    visits_plan = 20 + 2 * whole(between(0, 4, "visit plan", person.id))
    new_plan = 1 + whole(between(0, 2, "new plan", person.id))
    for month in person.months(REP):
        a = ability(person, year_of(month))
        key = (person.id, month)
        target = sales_targets[person.id][month]
        actual = Fraction(target) * (a + noise("0.10", "sales", *key))
        sales[(person.id, month)] = (money(actual), target)
        rows.append(measurement(person, month, "sales_revenue", money(actual), target))
        visit_rate = min(Fraction("1.15"), Fraction("0.9") + (a - 1) / 2 + noise("0.08", "v", *key))
        visits = whole(visits_plan * visit_rate)
        rows.append(measurement(person, month, "customer_visits", visits, visits_plan))
        p_new = min(Fraction(1), new_plan * a / 5)
        rows.append(
            measurement(person, month, "new_customers", count(5, p_new, "new", *key), new_plan)
        )
        rows.append(
            measurement(
                person, month, "market_feedback_reports", count(3, d * Fraction(2, 3), "mf", *key)
            )
        )
        rows.append(measurement(person, month, "event_participation", count(2, d / 2, "ev", *key)))
    return rows


def training_rows(person: Person) -> list[Row]:
    d = diligence(person)
    rows = []
    for month in person.months():
        hours = Fraction(count(6, d * Fraction(3, 4), "training", person.id, month))
        hours += Fraction(count(2, Fraction(1, 2), "half hours", person.id, month), 2)
        rows.append(measurement(person, month, "training_hours", one_place(hours)))
    return rows


def manager_rows(
    person: Person,
    reports: dict[str, list[Person]],
    sales: Sales,
) -> list[Row]:
    rows: list[Row] = []
    d = diligence(person)
    key_monthly = (
        Fraction(1_200_000)
        if person.manager_in(f"{YEAR}-01") is None
        else Fraction(whole(between(500, 800, "key plan", person.id)) * 1000)
    )
    team = all_reports(person.id, reports)
    for month in person.months(MANAGER):
        a = ability(person, year_of(month))
        i = int(month[5:]) - 1
        key = (person.id, month)
        key_target = Decimal(whole(key_monthly * Fraction(SEASONALITY[i]) / 1000) * 1000)
        key_actual = money(Fraction(key_target) * (a + noise("0.12", "key", *key)))
        rows.append(measurement(person, month, "key_account_revenue", key_actual, key_target))
        team_actual = sum(
            (sales[(p.id, month)][0] for p in team if (p.id, month) in sales), Decimal(0)
        )
        team_target = sum(
            (sales[(p.id, month)][1] for p in team if (p.id, month) in sales), Decimal(0)
        )
        bias = between("-0.06", "0.06", "plan bias", *key)
        plan = Decimal(whole(Fraction(team_target) * (1 + bias) / 1000) * 1000)
        rows.append(measurement(person, month, "sales_plan_accuracy", team_actual, plan))
        reviews = count(2, d * Fraction(3, 5), "reviews", *key)
        rows.append(measurement(person, month, "performance_reviews", reviews))
    return rows


def marketing_rows(person: Person) -> list[Row]:
    rows: list[Row] = []
    d = diligence(person)
    leads_plan = 15 + whole(between(0, 10, "lead plan", person.id))
    for month in person.months(MARKETING):
        a = ability(person, year_of(month))
        key = (person.id, month)
        if person.name == NOT_APPLICABLE and month == f"{YEAR}-11":
            # No market-share data for the new territory this month: a decision, not a gap.
            rows.append(measurement(person, month, "market_share_growth", None, applicable=False))
        else:
            growth = (a - Fraction("0.85")) * 2 + noise("0.15", "share", *key)
            rows.append(measurement(person, month, "market_share_growth", two_places(growth)))
        rows.append(
            measurement(
                person, month, "market_reports", count(2, d / 2 + Fraction(1, 10), "mr", *key)
            )
        )
        rows.append(
            measurement(
                person, month, "marketing_events", count(2, d * Fraction(7, 10), "me", *key)
            )
        )
        leads = whole(leads_plan * (a + noise("0.15", "leads", *key)))
        rows.append(measurement(person, month, "qualified_leads", max(0, leads), leads_plan))
    return rows


def after_sales_rows(person: Person) -> list[Row]:
    rows: list[Row] = []
    d = diligence(person)
    usual_days = between("1.6", "5.5", "days", person.id)
    usage_plan = 30 + 2 * whole(between(0, 6, "usage plan", person.id))
    key_plan = 8 + whole(between(0, 4, "key follow-up plan", person.id))
    for month in person.months(AFTER_SALES):
        a = ability(person, year_of(month))
        key = (person.id, month)
        complaints = count(10, Fraction(1, 2), "complaints", *key)
        if complaints:  # a month without complaints has no measurement
            days = max(Fraction("0.5"), usual_days + noise("0.6", "days", *key))
            rows.append(
                measurement(
                    person, month, "complaint_resolution_days", one_place(days), weight=complaints
                )
            )
        usage = whole(usage_plan * (a + noise("0.08", "usage", *key)))
        rows.append(measurement(person, month, "usage_follow_ups", usage, usage_plan))
        visits = whole(key_plan * min(Fraction("1.1"), a + noise("0.08", "kc", *key)))
        rows.append(measurement(person, month, "key_customer_follow_ups", visits, key_plan))
        rows.append(
            measurement(
                person,
                month,
                "customer_feedback_reports",
                1 + count(4, d * Fraction(3, 4), "cf", *key),
            )
        )
    return rows


def all_reports(manager_id: str, reports: dict[str, list[Person]]) -> list[Person]:
    """Everyone below a manager, direct and indirect."""
    out: list[Person] = []
    for p in reports.get(manager_id, []):
        out.append(p)
        out.extend(all_reports(p.id, reports))
    return out


def build_measurements(people: list[Person]) -> list[Row]:
    sales_targets: dict[str, dict[str, Decimal]] = {}
    for p in people:
        if any(a.role == REP for a in p.assignments):
            annual = whole(between(42, 79, "annual target", p.id)) * 100_000
            split = seasonal_targets(annual, str(YEAR), SEASONALITY, kind="month", unit=1000)
            # the year before: a plan about 10 % lower
            before = whole(Fraction(annual, 100_000) * between("0.85", "0.95", "plan growth", p.id))
            split = {
                **seasonal_targets(
                    before * 100_000, str(FIRST_YEAR), SEASONALITY, kind="month", unit=1000
                ),
                **split,
            }
            sales_targets[p.id] = split
    rows: list[Row] = []
    sales: Sales = {}
    for p in people:
        if p.id in sales_targets:
            rows.extend(rep_rows(p, sales_targets, sales))
    reports: dict[str, list[Person]] = {}
    for p in people:
        managers = {a.manager for a in p.assignments if a.manager is not None}
        for m in sorted(managers):
            reports.setdefault(m, []).append(p)
    for p in people:
        if any(a.role == MANAGER for a in p.assignments):
            rows.extend(manager_rows(p, reports, sales))
        rows.extend(marketing_rows(p))
        rows.extend(after_sales_rows(p))
        rows.extend(training_rows(p))
    order = {kpi: i for i, kpi in enumerate(KPI_ORDER)}
    rows.sort(key=lambda r: (str(r[0]), str(r[1]), order[str(r[2])]))
    return rows


KPI_ORDER = (
    "sales_revenue",
    "key_account_revenue",
    "sales_plan_accuracy",
    "performance_reviews",
    "customer_visits",
    "new_customers",
    "market_feedback_reports",
    "event_participation",
    "market_share_growth",
    "market_reports",
    "marketing_events",
    "qualified_leads",
    "complaint_resolution_days",
    "usage_follow_ups",
    "key_customer_follow_ups",
    "customer_feedback_reports",
    "training_hours",
)


# --------------------------------------------------------------------------- surveys


def csat_response(quality: Fraction, *key: object) -> int:
    if unit(*key, "happy") < quality:
        return 5 if unit(*key, "five") < Fraction(11, 20) else 4
    low = unit(*key, "low")
    return 3 if low < Fraction(3, 5) else 2 if low < Fraction(9, 10) else 1


def nps_response(promoters: Fraction, detractors: Fraction, *key: object) -> int:
    u = unit(*key, "nps")
    if u < promoters:
        return 10 if unit(*key, "ten") < Fraction(2, 5) else 9
    if u < 1 - detractors:
        return 8 if unit(*key, "eight") < Fraction(3, 5) else 7
    return 4 + whole(between(0, 2, *key, "detractor"))


def build_surveys(people: list[Person]) -> list[Row]:
    rows: list[Row] = []
    for p in people:
        quality = between("0.62", "0.97", "csat quality", p.id)
        promoters = between("0.30", "0.70", "promoters", p.id)
        detractors = between("0.05", "0.20", "detractors", p.id)
        for month in p.months():
            role = p.role_in(month)
            if role == MARKETING:
                continue  # no customers section on the marketing specialist's card
            per_month = (
                count(2, Fraction(1, 2), "few", p.id, month)
                if p.name == FEW_SURVEYS
                else 4 + count(4, Fraction(1, 2), "responses", p.id, month)
            )
            for n in range(per_month):
                rows.append(
                    (p.id, month, "customer_satisfaction", csat_response(quality, p.id, month, n))
                )
            if role == AFTER_SALES:
                for n in range(4 + count(3, Fraction(1, 2), "nps responses", p.id, month)):
                    answer = nps_response(promoters, detractors, p.id, month, n)
                    rows.append((p.id, month, "nps", answer))
    return rows


# --------------------------------------------------------------------------- ratings


def quarter_months(quarter: str) -> tuple[str, ...]:
    q = int(quarter[-1])
    return tuple(f"{quarter[:4]}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1))


def active_in(person: Person, quarter: str) -> bool:
    return any(person.role_in(m) is not None for m in quarter_months(quarter))


def manager_for(person: Person, quarter: str) -> str | None:
    for month in reversed(quarter_months(quarter)):
        if person.role_in(month) is not None:
            return person.manager_in(month)
    return None


def rating(base: Fraction, shift: Fraction | int | str, *key: object) -> int:
    return clamp(whole(base + Fraction(shift) + noise("0.45", *key)), 1, 5)


def build_ratings(people: list[Person]) -> list[Row]:
    rows: list[Row] = []
    for quarter in QUARTERS:
        present = [p for p in people if active_in(p, quarter)]
        for p in present:
            base = between("2.9", "4.5", "teamwork", p.id)
            manager = manager_for(p, quarter)
            rows.append(
                (
                    p.id,
                    quarter,
                    "teamwork_rating",
                    p.id,
                    "self",
                    rating(base, "0.4", "self", p.id, quarter),
                )
            )
            if manager is None:
                continue  # the department head: only a self-rating
            rows.append(
                (
                    p.id,
                    quarter,
                    "teamwork_rating",
                    manager,
                    "manager",
                    rating(base, 0, "mgr", p.id, quarter),
                )
            )
            colleagues = sorted(
                (q for q in present if q.id != p.id and manager_for(q, quarter) == manager),
                key=lambda q: unit("peer order", quarter, p.id, q.id),
            )
            wanted = 3 + whole(between(0, 3, "peer count", quarter, p.id))
            for peer in sorted(colleagues[:wanted], key=lambda q: q.id):
                rows.append(
                    (
                        p.id,
                        quarter,
                        "teamwork_rating",
                        peer.id,
                        "peer",
                        rating(base, 0, "peer", p.id, peer.id, quarter),
                    )
                )
    group_order = {"self": 0, "manager": 1, "peer": 2}
    rows.sort(key=lambda r: (str(r[0]), str(r[1]), group_order[str(r[4])], str(r[3])))
    return rows


# --------------------------------------------------------------------------- incidents


def build_incidents(people: list[Person]) -> list[Row]:
    ids = {p.name: p.id for p in people}
    items = [
        (ids[WEAK], "time_management", "minor", f"{FIRST_YEAR}-06-16", "月度拜访报告迟交一周"),
        (ids["韩雪"], "teamwork", "minor", f"{FIRST_YEAR}-11-12", "未按约定参加区域联合拜访"),
        (
            ids["孙丽"],
            "integrity",
            "minor",
            f"{YEAR}-05-14",
            "报价单夸大了一项性能参数，发现后已向客户更正",
        ),
        (
            ids["董明"],
            "professionalism",
            "major",
            f"{YEAR}-07-22",
            "向医院介绍了错误的设备适用范围，次日更正",
        ),
        (ids["冯浩"], "time_management", "minor", f"{YEAR}-10-20", "连续两周未提交周工作计划"),
        (ids["宋晓"], "teamwork", "minor", f"{YEAR}-10-09", "未按时向团队共享展会客户线索"),
        (ids["周杰"], "professionalism", "minor", f"{YEAR}-11-05", "缺席新产品培训"),
        (ids[VETOED], "integrity", "critical", f"{YEAR}-11-18", "向医院客户隐瞒设备已知缺陷"),
        (
            ids["何平"],
            "customer_orientation",
            "major",
            f"{YEAR}-12-03",
            "客户投诉未及时响应，设备停机三天",
        ),
    ]
    return sorted(items, key=lambda r: (r[3], r[0]))


# --------------------------------------------------------------------------- goals

GOAL_KPI = "goal_progress"
"""The KPI the demo's top goals feed: a goals-derived KPI of the goals example policy
(docs/goals.md), not of the built-in default policy."""


def goal_row(
    goal_id: str,
    person: Person,
    period: str,
    title: str,
    *,
    parent: str | None = None,
    kpi: str | None = None,
    weight: int | None = None,
    progress: int | None = None,
    status: str = "active",
) -> Row:
    return (goal_id, person.id, period, title, parent, kpi, weight, progress, status)


def progress_draw(low: int, high: int, *key: object) -> int:
    return clamp(whole(between(low, high, "goal", *key)), 0, 100)


def build_goals(people: list[Person]) -> list[Row]:
    """Goals (目标) for the marketing specialists: market research and promotion strategy,
    yearly goals with quarterly children and branches of different depths; someone who
    becomes a marketing specialist during the year gets goals for their first quarter."""
    rows: list[Row] = []
    latest = tuple(q for q in QUARTERS if q.startswith(f"{YEAR}-"))  # goals: the latest year
    for p in people:
        roles = {a.role for a in p.assignments}
        if MARKETING not in roles:
            continue
        first = next(a.start for a in p.assignments if a.role == MARKETING)
        year = str(YEAR) if first.year < YEAR else f"{YEAR}-Q4"
        research, strategy = f"{p.id}-MR", f"{p.id}-PS"
        rows.append(goal_row(research, p, year, "市场调研", kpi=GOAL_KPI))
        quarters = latest if year == str(YEAR) else latest[3:]
        for q in quarters:
            done = q != latest[-1]
            rows.append(
                goal_row(
                    f"{research}-{q[-2:]}",
                    p,
                    q,
                    f"{q[-2:]} 医院采购需求调研",
                    parent=research,
                    progress=None if done else progress_draw(30, 100, p.id, q),
                    status="completed" if done else "active",
                )
            )
        rows.append(
            goal_row(
                f"{research}-X",
                p,
                latest[-1],
                "线上问卷（已取消）",
                parent=research,
                progress=progress_draw(0, 40, p.id, "cancelled"),
                status="archived",
            )
        )
        rows.append(goal_row(strategy, p, year, "推广策略", kpi=GOAL_KPI, weight=2))
        positioning = f"{strategy}-1"
        half = f"{YEAR}-H2" if year == str(YEAR) else latest[-1]
        rows.append(goal_row(positioning, p, half, "产品定位", parent=strategy, weight=2))
        for q, title in ((latest[2], "竞品分析"), (latest[3], "定位简报")):
            if q not in quarters:
                continue
            rows.append(
                goal_row(
                    f"{positioning}-{q[-2:]}",
                    p,
                    q,
                    f"{q[-2:]} {title}",
                    parent=positioning,
                    progress=progress_draw(40, 100, p.id, "positioning", q),
                )
            )
        rows.append(
            goal_row(
                f"{strategy}-2",
                p,
                latest[-1],
                "年度展会推广方案",
                parent=strategy,
                progress=progress_draw(20, 100, p.id, "trade show"),
            )
        )
    return rows


# --------------------------------------------------------------------------- output


def employee_rows(people: list[Person]) -> list[Row]:
    return [
        (p.id, p.name, a.role, a.manager, a.start, a.end) for p in people for a in p.assignments
    ]


def readme(people: list[Person], files: dict[str, int]) -> str:
    ids = {p.name: p.id for p in people}
    head = people[0]
    lines = [
        "# The demo department (synthetic data)",
        "",
        "Everything in this directory is **synthetic**: invented people and invented numbers,",
        "generated by `scripts/make_demo_data.py` with a fixed seed. No real person, company or",
        "customer is described. Regenerate with `python scripts/make_demo_data.py`; the output is",
        "identical byte for byte, and a test checks that it matches these files.",
        "",
        "本目录中的数据全部为虚构（合成数据），由脚本生成，不涉及任何真实人员。",
        "",
        "It is a medical sales department (医疗行业销售部) appraised with the built-in default",
        "policy, with monthly measurements for calendar 2025 and 2026 (eight quarters, for a",
        "trend and a year's roll-up); the latest complete quarter is 2026-Q4. Most people",
        "did a little better in 2026 than in 2025.",
        "",
        "## Organisation",
        "",
        f"- `{head.id}` {head.name}, sales_manager, head of the department (no manager)",
    ]
    managers = [p for p in people if p.assignments[0].manager == head.id]
    for m in managers:
        members = [p for p in people if p.assignments[0].manager == m.id]
        by_role: dict[str, int] = {}
        for p in members:
            by_role[p.assignments[0].role] = by_role.get(p.assignments[0].role, 0) + 1
        counts = ", ".join(f"{n} {role}" for role, n in by_role.items())
        lines.append(
            f"- `{m.id}` {m.name}, sales_manager of the {m.team} team: {counts} (in January)"
        )
    lines += [
        "",
        f"{len(people)} people. Cases worth a look:",
        "",
        f"- `{ids[JOINER]}` {JOINER} joins on {JOIN_DATE}: rows from 2026-08 only, so Q3",
        "  is a partial quarter (61 of 92 days).",
        f"- `{ids[ROLE_CHANGER]}` {ROLE_CHANGER} moves from sales_representative to",
        f"  marketing_specialist on {CHANGE_DATE}: two rows in `employees.csv`, each role's KPIs",
        "  for its own months.",
        f"- `{ids[VETOED]}` {VETOED} has strong sales but a critical integrity incident in Q4:",
        "  a veto (一票否决), grade D.",
        f"- `{ids[WEAK]}` {WEAK} sells far below target.",
        f"- `{ids[FEW_SURVEYS]}` {FEW_SURVEYS} gets too few survey responses for CSAT",
        "  (fewer than 10 a quarter): the KPI is not applicable.",
        f"- `{ids[NOT_APPLICABLE]}` {NOT_APPLICABLE}'s market share growth for 2026-11 is",
        "  marked `applicable = false`.",
        f"- `{head.id}` {head.name} has only a self-rating on teamwork; the team managers have",
        "  two peers each, fewer than the 3 the policy needs, so their peer group drops out.",
        "- Two incidents fall before Q4 (2026-05 and 2026-07): they do not count in a Q4",
        "  appraisal. Two more fall in 2025.",
        f"- People hired during 2025 have a partial 2025; `{ids[WEAK]}` {WEAK} is graded D",
        "  quarter after quarter, which the policy's alert flags for a conversation.",
        "",
        "## Files",
        "",
        "| file | rows | what |",
        "|---|---|---|",
        f"| `employees.csv` | {files['employees']} | people, roles, managers, dates |",
        f"| `measurements.csv` | {files['measurements']} | monthly actuals and targets "
        "of every KPI that is not derived |",
        f"| `surveys.csv` | {files['surveys']} | customer responses: CSAT 1–5, NPS 0–10 |",
        f"| `ratings.csv` | {files['ratings']} | quarterly 360° teamwork ratings 1–5 |",
        f"| `incidents.csv` | {files['incidents']} | conduct incidents |",
        f"| `goals.csv` | {files['goals']} | the marketing specialists' goals (目标): market "
        "research and promotion strategy, with quarterly children |",
        "",
        "KPIs derived by the policy get no measurement rows: CSAT and NPS come from",
        "`surveys.csv`, the teamwork rating from `ratings.csv`, team sales and team new",
        "customers from the team's rows. The policy's count thresholds are quarterly, so the",
        "monthly counts are about a third of them.",
        "",
        "`goals.csv` feeds the KPI `goal_progress`, which the built-in policy does not have:",
        "it is read with the goals example policy of `docs/goals.md` (the default policy with",
        "that KPI on the marketing specialist's scorecard), so that the default policy, its",
        "SHA-256 and every result the docs quote stay as they are.",
        "",
    ]
    return "\n".join(lines)


def main(out_dir: Path | str | None = None) -> None:
    """Write the demo files into ``out_dir`` (default: the package's catalog/demo)."""
    out = DEFAULT_OUT if out_dir is None else Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    people = build_people()
    tables: dict[str, tuple[Sequence[str], list[Row]]] = {
        "employees": (EMPLOYEES_COLUMNS, employee_rows(people)),
        "measurements": (MEASUREMENTS_COLUMNS, build_measurements(people)),
        "incidents": (INCIDENTS_COLUMNS, build_incidents(people)),
        "ratings": (RATINGS_COLUMNS, build_ratings(people)),
        "surveys": (SURVEYS_COLUMNS, build_surveys(people)),
        "goals": (GOALS_COLUMNS, build_goals(people)),
    }
    for name, (header, rows) in tables.items():
        write_csv_atomic(out / f"{name}.csv", header, rows)
    write_text_atomic(
        out / "README.md", readme(people, {name: len(rows) for name, (_, rows) in tables.items()})
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
