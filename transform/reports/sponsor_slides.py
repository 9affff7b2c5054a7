"""The sponsor pack as an editable PowerPoint, from the same content as the PDF.

One slide per section, each titled with its message; tables are real tables and charts
native charts, so a consulting team can restyle and reuse them. The slides read the
ReportContent that sponsor.build returns, so their figures and their anonymity are the
PDF's: a team withheld there is withheld here, in the same words.
"""

from datetime import date
from io import BytesIO

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Emu, Inches, Pt

from transform.formatting import format_value
from transform.reports.commentary import COMMENTARY_SECTIONS
from transform.reports.content import ReportContent
from transform.scoring.bands import whole
from transform.templating import format_date, format_money

WIDE, HIGH = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
RAG_RGB = {
    "green": RGBColor(0x1E, 0x7B, 0x4A),
    "amber": RGBColor(0xB2, 0x6B, 0x00),
    "red": RGBColor(0xB4, 0x23, 0x18),
}
ARROWS = {"up": "▲", "down": "▼", "same": "▶", "": ""}
#: Rows per table slide; longer tables continue on the next slide with their header.
TABLE_ROWS = 12


def sponsor_pptx(content: ReportContent, programme, as_of: date) -> bytes:
    """The .pptx file of a sponsor report's content."""
    deck = _Deck(content.context, programme, as_of)
    deck.cover()
    deck.messages()
    deck.summary()
    deck.decisions()
    deck.delivery()
    deck.adoption()
    deck.kpis()
    deck.value()
    deck.risks()
    out = BytesIO()
    deck.prs.save(out)
    return out.getvalue()


class _Deck:
    def __init__(self, context: dict, programme, as_of: date):
        self.c, self.programme, self.as_of = context, programme, as_of
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDE, HIGH
        self.commentary = context["commentary"]

    # --- slides -------------------------------------------------------------------
    def cover(self) -> None:
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[0])
        headline = self.c["headline"]
        slide.shapes.title.text = f"{self.programme.name} is {headline.status.upper()}"
        run = slide.shapes.title.text_frame.paragraphs[0].runs[0]
        run.font.color.rgb = RAG_RGB[headline.status]
        run.font.bold = True
        cover = self.c["cover"]
        lines = [
            f"Sponsor progress report · as of {format_date(self.as_of)}",
            f"Client: {cover.client or '—'}",
            f"Sponsor{'s' * (len(cover.sponsors) != 1)}: {', '.join(cover.sponsors) or '—'}",
            f"PMO lead: {cover.pmo_lead or '—'}",
        ]
        slide.placeholders[1].text = "\n".join(lines)

    def messages(self) -> None:
        if self.commentary is None or not self.commentary.messages:
            return  # a draft: the PMO has not written them yet, and sponsors see no gap
        slide = self._slide("Key messages")
        body = self._text(slide, MARGIN, Inches(1.4), WIDE - 2 * MARGIN, Inches(5.5))
        for index, message in enumerate(self.commentary.messages):
            paragraph = body.paragraphs[0] if index == 0 else body.add_paragraph()
            paragraph.text = f"{index + 1}. {message}"
            paragraph.font.size = Pt(20)
            paragraph.space_after = Pt(12)

    def summary(self) -> None:
        c = self.c
        overall = c["overall"].value.upper()
        slide = self._slide(f"Overall {overall}: {_worst_reason(c['rules'])}")
        previous = c["previous"]
        since = f"since {format_date(previous.as_of)}" if previous else "since the last report"
        rows = [["Figure", "Now", f"Change {since}"]]
        rows += [
            [ch.label, ch.now, f"{ARROWS[ch.arrow]} {ch.delta}".strip()] for ch in c["changes"]
        ]
        self._table(slide, rows, MARGIN, Inches(1.4), Inches(6.4), [2.0, 2.3, 2.1])
        rows = [["Area", "Status", "Why"]]
        rows += [[r.name, r.rag.value.capitalize(), r.why] for r in c["rules"]]
        self._table(slide, rows, Inches(7.1), Inches(1.4), Inches(5.7), [1.0, 0.9, 3.8])
        points = c["trend_points"]
        dates = [format_date(p.as_of) for p in points]
        self._line_chart(
            slide, MARGIN, dates, "Adoption index (0–100)", [p.adoption_index for p in points], 100
        )
        self._line_chart(
            slide,
            MARGIN + Inches(3.25),
            dates,
            f"KPIs on track, of {c['kpi_total']}",
            [p.kpis_on_track for p in points],
            max([1, *(p.kpis_total for p in points)]),
        )
        milestones = [["Next milestones and gates", "Date"]]
        milestones += [[m.title, format_date(m.on)] for m in c["milestones"]] or [["None", ""]]
        self._table(slide, milestones, Inches(7.1), Inches(4.6), Inches(5.7), [4.3, 1.4])

    def decisions(self) -> None:
        found = self.c["decisions"]
        count = len(found)
        title = (
            f"{count} decision{'s' * (count != 1)} needed from the sponsor"
            if count
            else "No decision is waiting for the sponsor"
        )
        rows = [["Decision", "Since", "Recommended option"]]
        rows += [
            [d.title, format_date(d.since) if d.since else "—", d.recommendation or "None given"]
            for d in found
        ]
        self._paged_table(title, rows, [6.0, 1.6, 4.7])

    def delivery(self) -> None:
        c = self.c
        current = c["current"]
        title = (
            f"{current.phase.name}: {current.percent_done}% done"
            if current
            else "No phase has started"
        )
        rows = [["Phase", "Planned end", "Done", "Schedule", "Gate"]]
        for s in c["phases"]:
            rows.append(
                [
                    s.phase.name,
                    format_date(s.phase.planned_end),
                    f"{s.activities_done}/{s.activities_total}",
                    s.schedule.rag.value.capitalize(),
                    s.gate_status.value.capitalize() if s.gate_status else "—",
                ]
            )
        self._paged_table(title, rows, [4.6, 2.0, 1.2, 1.6, 2.9], commentary="delivery")

    def adoption(self) -> None:
        dashboard = self.c["dashboard"]
        if dashboard is None:
            self._slide(f"No ADKAR survey wave had opened by {format_date(self.as_of)}")
            return
        total = dashboard.total
        change = self.c["changes"][2]
        title = (
            f"Adoption index {whole(total.adoption_index.value)} (n={total.n}), {change.delta}"
            if total.state.value == "shown" and total.adoption_index.value is not None
            else f"Adoption: fewer than {dashboard.threshold} responses to show"
        )
        rows = [["Team", "n", "Adoption index", "Adoption rate %"]]
        shown = []
        for row in dashboard.rows:
            if row.state.value == "shown":
                rows.append(
                    [
                        row.name,
                        str(row.n),
                        _estimate(row.adoption_index),
                        _estimate(row.adoption_rate),
                    ]
                )
                if row.adoption_index and row.adoption_index.value is not None:
                    shown.append((row.name, row.adoption_index.value))
            else:
                rows.append([row.name, _withheld(row.state.value, dashboard.threshold)])
        slide = self._paged_table(title, rows, [3.4, 0.8, 1.4, 1.4], commentary="adoption")
        if shown:
            chart = CategoryChartData()
            chart.categories = [name for name, _ in shown]
            chart.add_series("Adoption index", [round(value, 1) for _, value in shown])
            frame = slide.shapes.add_chart(
                XL_CHART_TYPE.BAR_CLUSTERED,
                Inches(7.8),
                Inches(1.4),
                Inches(5.0),
                Inches(3.6),
                chart,
            )
            frame.chart.has_legend = False
            frame.chart.value_axis.maximum_scale = 100
            frame.chart.category_axis.tick_labels.font.size = Pt(9)
            frame.chart.value_axis.tick_labels.font.size = Pt(9)
            # Top to bottom in the table's order.
            frame.chart.category_axis.reverse_order = True

    def kpis(self) -> None:
        c = self.c
        total = c["kpi_total"]
        title = (
            f"{c['headline'].kpis_on_track} of {total} KPIs on track" if total else "No KPIs yet"
        )
        rows = [["KPI", "Latest actual", "Target", "Progress", "Planned", "Status"]]
        for _perspective, views in c["kpi_groups"]:
            for view in views:
                unit = view.kpi.unit
                rows.append(
                    [
                        view.kpi.name,
                        format_value(view.latest_actual, unit),
                        format_value(view.kpi.target_value, unit),
                        _percent(view.progress),
                        _percent(view.planned_progress),
                        view.status.status.label,
                    ]
                )
        self._paged_table(title, rows, [4.0, 1.8, 1.8, 1.3, 1.3, 2.1])

    def value(self) -> None:
        value = self.c["value"]
        cur = value.currency
        if not value.initiatives:
            self._slide("No initiative in the benefits register yet", commentary="value")
            return
        title = f"{format_money(value.actual_to_date, cur)} net realised to date"
        rows = [
            ["Net value to " + format_date(self.as_of), cur],
            ["Planned", format_money(value.planned_to_date, cur)],
            ["Forecast", format_money(value.forecast_to_date, cur)],
            ["Actual", format_money(value.actual_to_date, cur)],
            ["Expected over the programme", format_money(value.expected, cur)],
            ["Value at risk from adoption", format_money(value.at_risk, cur)],
        ]
        self._paged_table(title, rows, [4.5, 2.5], commentary="value")

    def risks(self) -> None:
        high = self.c["high_raid"]
        overdue = len(high.overdue(self.as_of))
        title = f"{high.count} open high RAID item{'s' * (high.count != 1)}, {overdue} overdue"
        rows = [["Item", "Kind", "Score", "Owner", "Due"]]
        rows += [
            [
                r.title,
                r.kind.value.capitalize(),
                str(r.score),
                r.owner.name if r.owner else "—",
                format_date(r.due_on) if r.due_on else "—",
            ]
            for r in high.items
        ]
        self._paged_table(title, rows, [5.2, 1.5, 1.0, 2.4, 1.9], commentary="risks")

    # --- building blocks ----------------------------------------------------------
    def _slide(self, title: str, note: str = "", commentary: str | None = None):
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[5])
        slide.shapes.title.text = title
        slide.shapes.title.left, slide.shapes.title.top = MARGIN, Inches(0.3)
        slide.shapes.title.width, slide.shapes.title.height = WIDE - 2 * MARGIN, Inches(0.9)
        for paragraph in slide.shapes.title.text_frame.paragraphs:
            paragraph.font.size = Pt(28)
        text = self._commentary(commentary) or note
        if text:
            frame = self._text(slide, MARGIN, Inches(6.5), WIDE - 2 * MARGIN, Inches(0.8))
            frame.paragraphs[0].text = text
            frame.paragraphs[0].font.size = Pt(12)
        return slide

    def _commentary(self, key: str | None) -> str:
        if key is None or self.commentary is None:
            return ""
        label = {k: label for k, label, _section in COMMENTARY_SECTIONS}[key]
        text = self.commentary.sections.get(key, "")
        return f"{label}: {text}" if text else ""

    def _text(self, slide, left, top, width, height):
        frame = slide.shapes.add_textbox(left, top, width, height).text_frame
        frame.word_wrap = True
        return frame

    def _paged_table(self, title: str, rows: list[list[str]], widths, commentary=None):
        """The table over as many slides as it needs, its header on each; the first slide."""
        header, body = rows[0], rows[1:] or [["None"] + [""] * (len(rows[0]) - 1)]
        first = None
        for start in range(0, len(body), TABLE_ROWS):
            suffix = f" ({start // TABLE_ROWS + 1} of {-(-len(body) // TABLE_ROWS)})"
            paged = title + (suffix if len(body) > TABLE_ROWS else "")
            slide = self._slide(paged, commentary=commentary if start == 0 else None)
            chunk = [header, *body[start : start + TABLE_ROWS]]
            self._table(slide, chunk, MARGIN, Inches(1.4), Inches(sum(widths)), widths)
            first = first or slide
        return first

    def _table(self, slide, rows, left, top, width, widths) -> None:
        shape = slide.shapes.add_table(
            len(rows), len(rows[0]), left, top, width, Inches(0.4) * len(rows)
        )
        table = shape.table
        for index, inches in enumerate(widths):
            table.columns[index].width = Emu(int(Inches(inches)))
        for r, row in enumerate(rows):
            if len(row) < len(rows[0]):
                # A row in words (a withheld team) spans the figure columns it stands for.
                table.cell(r, len(row) - 1).merge(table.cell(r, len(rows[0]) - 1))
            for col, value in enumerate(row):
                cell = table.cell(r, col)
                cell.text = value
                for paragraph in cell.text_frame.paragraphs:
                    paragraph.font.size = Pt(12 if r == 0 else 11)

    def _line_chart(self, slide, left, categories, name, values, maximum) -> None:
        data = CategoryChartData()
        data.categories = categories
        data.add_series(name, values)
        chart = slide.shapes.add_chart(
            XL_CHART_TYPE.LINE_MARKERS, left, Inches(4.5), Inches(3.15), Inches(2.7), data
        ).chart
        chart.has_title = True
        chart.chart_title.text_frame.text = name
        chart.chart_title.text_frame.paragraphs[0].font.size = Pt(12)
        chart.has_legend = False
        chart.value_axis.minimum_scale = 0
        chart.value_axis.maximum_scale = maximum
        chart.category_axis.tick_labels.font.size = Pt(9)
        chart.value_axis.tick_labels.font.size = Pt(9)
        plot = chart.plots[0]
        plot.has_data_labels = True
        plot.data_labels.font.size = Pt(9)


def _worst_reason(rules) -> str:
    order = {"green": 0, "amber": 1, "red": 2}
    worst = max(rules, key=lambda rule: order[rule.rag.value])
    return f"{worst.name.lower()} — {worst.why.rstrip('.')}"


def _estimate(estimate) -> str:
    if estimate is None or estimate.value is None:
        return "—"
    if estimate.ci_low is None:
        return str(whole(estimate.value))
    return f"{whole(estimate.value)} ({whole(estimate.ci_low)}–{whole(estimate.ci_high)})"


def _withheld(state: str, threshold: int) -> str:
    if state == "no_data":
        return "No responses"
    return f"Fewer than {threshold} responses here or in a neighbouring team: not shown"


def _percent(fraction: float | None) -> str:
    return "—" if fraction is None else f"{whole(fraction * 100)}%"
