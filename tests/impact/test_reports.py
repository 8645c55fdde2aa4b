"""Impact reports: one report model, rendered as a page, a DOCX and a PDF, in French or English."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django_scopes import scope
from docx import Document
from pypdf import PdfReader

from maillage.impact import reports, services, subjects
from maillage.impact.models import ReportJob
from maillage.impact.report_docx import render_docx
from maillage.workspaces.models import Role
from tests.conftest import client_for
from tests.downloads import close_file
from tests.factories import (
    ActorFactory,
    BreakdownCategoryFactory,
    BreakdownDimensionFactory,
    MembershipFactory,
    WorkspaceFactory,
)

NNBSP = "\u202f"
YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def quarter(number: int) -> tuple[date, date]:
    start = date(2025, 3 * number - 2, 1)
    end = {1: date(2025, 3, 31), 2: date(2025, 6, 30), 3: date(2025, 9, 30), 4: date(2025, 12, 31)}
    return start, end[number]


def _measure(tracked, user, period, **data):
    return services.measurement_create(
        tracked, user=user, period_start=period[0], period_end=period[1], **data
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def data(workspace, owner, media):
    """A workspace with four indicators of each kind of figure, for itself and an actor."""
    user = owner.user
    gender = BreakdownDimensionFactory(workspace=workspace, name="Genre")
    women = BreakdownCategoryFactory(workspace=workspace, dimension=gender, name="Femmes")
    men = BreakdownCategoryFactory(workspace=workspace, dimension=gender, name="Hommes")
    actor = ActorFactory(workspace=workspace, name="Recyclerie du Val")
    with scope(workspace=workspace):
        people = services.indicator_create(
            workspace=workspace,
            user=user,
            code="ACC-01",
            name="Personnes accompagnées",
            unit="personnes",
            definition="Personnes reçues au moins une fois en entretien.",
            method="Comptage mensuel à partir du registre d'accueil.",
            aggregation="sum",
            frequency="quarter",
            sdg_goals=[1, 8],
            dimensions=[gender],
        )
        tracked = people.tracks.get()
        for number in (1, 2, 3, 4):
            services.target_save(
                tracked,
                user=user,
                period_start=quarter(number)[0],
                period_end=quarter(number)[1],
                value=Decimal(1500),
            )
        _measure(
            tracked,
            user,
            quarter(1),
            value=Decimal(1234),
            breakdowns={women: Decimal(700), men: Decimal(534)},
            narrative="Forte affluence après la fermeture du guichet municipal.",
            evidence_url="https://example.org/bilan-t1.pdf",
            measured_on=date(2025, 4, 10),
        )
        _measure(
            tracked,
            user,
            quarter(2),
            value=Decimal(600),
            breakdowns={women: Decimal(320), men: Decimal(280)},
            evidence_file=SimpleUploadedFile("registre-accueil-T2.pdf", b"%PDF-1.4 evidence"),
            measured_on=date(2025, 7, 8),
        )
        _measure(tracked, user, (date(2024, 10, 1), date(2024, 12, 31)), value=Decimal(9999))
        at_actor = services.indicator_track(
            people, user=user, subject_kind="actor", subject_id=actor.pk
        )
        _measure(
            at_actor,
            user,
            quarter(1),
            value=Decimal(100),
            breakdowns={women: Decimal(60), men: Decimal(40)},
            narrative="Atelier collectif à la recyclerie.",
        )

        rate = services.indicator_create(
            workspace=workspace,
            user=user,
            code="SOR-02",
            name="Taux de sorties positives",
            aggregation="ratio",
            frequency="year",
            sdg_goals=[8],
        )
        services.target_save(
            rate.tracks.get(),
            user=user,
            period_start=YEAR[0],
            period_end=YEAR[1],
            value=Decimal(70),
        )
        _measure(
            rate.tracks.get(),
            user,
            YEAR,
            numerator=Decimal(45),
            denominator=Decimal(60),
            narrative="Trois sorties en formation qualifiante.",
        )

        jobs = services.indicator_create(
            workspace=workspace,
            user=user,
            code="EMP-03",
            name="Emplois créés depuis l'ouverture",
            unit="emplois",
            aggregation="cumulative",
            frequency="quarter",
        )
        services.target_save(
            jobs.tracks.get(),
            user=user,
            period_start=quarter(3)[0],
            period_end=quarter(3)[1],
            value=Decimal(30),
        )
        _measure(jobs.tracks.get(), user, quarter(1), value=Decimal(10))
        _measure(jobs.tracks.get(), user, quarter(3), value=Decimal(25))

        quality = services.indicator_create(
            workspace=workspace,
            user=user,
            code="QUA-04",
            name="Qualité du partenariat",
            kind="qualitative",
            frequency="quarter",
            sdg_goals=[17],
        )
        services.target_save(
            quality.tracks.get(),
            user=user,
            period_start=quarter(4)[0],
            period_end=quarter(4)[1],
            text="Convention pluriannuelle signée",
        )
        _measure(
            quality.tracks.get(),
            user,
            quarter(2),
            text_value="Comité de pilotage réuni deux fois, relations de confiance.",
        )
        services.indicator_create(
            workspace=workspace,
            user=user,
            code="OLD-09",
            name="Indicateur abandonné",
            is_archived=True,
        )
    return {"actor": actor, "people": people, "rate": rate, "jobs": jobs, "quality": quality}


def _build(workspace, language="en", subject=None, period=YEAR):
    with scope(workspace=workspace):
        return reports.build_report(
            workspace,
            subject=subject,
            start=period[0],
            end=period[1],
            language=language,
            base_url="https://maillage.example",
        )


def _section(report, code):
    return next(s for s in report.indicators if s.code == code)


# --- the model -----------------------------------------------------------------------------


def test_workspace_report_rolls_up_every_subject(workspace, data):
    report = _build(workspace)
    assert report.title == "Impact report"
    assert report.period_label == "2025"
    assert [s.code for s in report.indicators] == ["ACC-01", "EMP-03", "QUA-04", "SOR-02"]
    assert report.summary.followed == 4
    assert report.summary.measured == 4
    assert (report.summary.met, report.summary.behind, report.summary.not_measured) == (1, 2, 0)

    people = _section(report, "ACC-01")
    assert people.actual == "1,934\u00a0personnes"  # 1,234 + 600 + 100; 2024 left out
    # Measured up to June: compared with the targets up to June.
    assert people.target == "3,000\u00a0personnes"
    assert people.target_note == "to June 30, 2025"
    assert (people.progress, people.status) == ("64\u00a0%", "behind")
    assert [g.number for g in people.goals] == [1, 8]
    assert [(p.label, p.actual) for p in people.periods] == [
        ("Q1 2025", "1,334\u00a0personnes"),
        ("Q2 2025", "600\u00a0personnes"),
        ("Q3 2025", "—"),
        ("Q4 2025", "—"),
    ]
    assert people.chart.table.rows[0] == ("Q1 2025", (Decimal(1334), Decimal(1500)))
    assert people.chart.png(dpi=30).startswith(b"\x89PNG")
    (gender,) = people.breakdowns
    assert gender.rows == [("Femmes", "1,080\u00a0personnes"), ("Hommes", "854\u00a0personnes")]
    assert [(n.subject, n.period) for n in people.narratives] == [
        (workspace.name, "Q1 2025"),
        ("Recyclerie du Val", "Q1 2025"),
    ]
    link, upload = people.evidence
    assert (link.name, link.url, link.is_file) == (
        "https://example.org/bilan-t1.pdf",
        "https://example.org/bilan-t1.pdf",
        False,
    )
    assert upload.name == "registre-accueil-T2.pdf"
    assert upload.url.startswith("https://maillage.example/w/")
    assert upload.on == "July 8, 2025"

    rate = _section(report, "SOR-02")
    assert (rate.actual, rate.target, rate.status) == ("75\u00a0%", "70\u00a0%", "met")
    assert rate.chart is None  # one period: its row of figures says it all
    assert [(p.label, p.actual, p.progress) for p in rate.periods] == [
        ("2025", "75\u00a0%", "107\u00a0%")
    ]
    jobs = _section(report, "EMP-03")
    assert (jobs.actual, jobs.target, jobs.status) == (
        "25\u00a0emplois",
        "30\u00a0emplois",
        "behind",
    )
    assert [p.actual for p in jobs.periods] == ["10\u00a0emplois"] * 2 + ["25\u00a0emplois"] * 2
    quality = _section(report, "QUA-04")
    assert not quality.is_quantitative and quality.chart is None
    assert quality.actual.startswith("Comité de pilotage")
    assert quality.target == "Convention pluriannuelle signée"
    assert [o.period for o in quality.observations] == ["Q2 2025"]

    goals = {row.goal.number: row for row in report.sdg_contributed}
    assert sorted(goals) == [1, 8, 17]
    assert (goals[8].count, goals[8].met, goals[8].indicators) == (2, 1, ["ACC-01", "SOR-02"])
    assert report.sdg_chart is not None


def test_subject_report_reads_only_that_subject(workspace, data):
    actor = data["actor"]
    with scope(workspace=workspace):
        subject = subjects.resolve(workspace, "actor", actor.pk)
    report = _build(workspace, subject=subject)
    assert [s.code for s in report.indicators] == ["ACC-01"]
    (people,) = report.indicators
    assert people.actual == "100\u00a0personnes"
    assert people.target == "—" and people.status == "no_target"
    assert [n.text for n in people.narratives] == ["Atelier collectif à la recyclerie."]
    assert people.evidence == []
    assert report.filename("pdf") == "impact-report-2025-recyclerie-du-val.pdf"


def test_a_quarter_without_measurements(workspace, data):
    report = _build(workspace, period=(date(2026, 1, 1), date(2026, 3, 31)))
    assert report.period_label == "Q1 2026"
    assert report.summary.measured == 0
    assert report.summary.not_measured == 4
    assert _section(report, "ACC-01").status == "not_measured"
    # A running total carries forward into a period without readings.
    assert _section(report, "EMP-03").actual == "25\u00a0emplois"


def test_french_report_formats_numbers_and_dates_in_french(workspace, data):
    report = _build(workspace, language="fr", period=(date(2025, 1, 1), date(2025, 6, 30)))
    assert report.period_label == "1 janvier 2025 – 30 juin 2025"
    people = _section(report, "ACC-01")
    assert people.actual == f"1{NNBSP}934\u00a0personnes"
    assert people.periods[0].label in ("T1 2025", "Q1 2025")  # "T1" once the catalogue has it
    assert report.filename("docx").endswith("-2025-01-01_2025-06-30.docx")


def test_building_a_report_reads_a_constant_number_of_queries(workspace, data, owner):
    def count():
        with CaptureQueriesContext(connection) as queries:
            _build(workspace)
        return len(queries)

    before = count()
    with scope(workspace=workspace):
        people = data["people"]
        tracked = people.tracks.get(subject_kind="workspace")
        measurement = tracked.measurements.get(period_start=quarter(1)[0])
        services.measurement_update(
            measurement,
            user=owner.user,
            expected_version=measurement.version,
            value=Decimal(1234),
            narrative="Revu.",
            evidence_url="https://example.org/b.pdf",
        )
        _measure(tracked, owner.user, quarter(3), value=Decimal(5), narrative="Été calme.")
        _measure(tracked, owner.user, quarter(4), value=Decimal(7), narrative="Hiver.")
        for index in range(3):
            actor = ActorFactory(workspace=workspace)
            at_actor = services.indicator_track(
                people, user=owner.user, subject_kind="actor", subject_id=actor.pk
            )
            _measure(at_actor, owner.user, quarter(2), value=Decimal(index), narrative="Ok.")
        other = services.indicator_create(
            workspace=workspace, user=owner.user, code="NEW-05", name="Nouveau", sdg_goals=[4]
        )
        _measure(other.tracks.get(), owner.user, quarter(1), value=Decimal(3), narrative="1")
    assert count() == before
    assert before <= 12, before


# --- the page ------------------------------------------------------------------------------


def _url(workspace, name="impact:report"):
    return reverse(name, kwargs={"workspace_slug": workspace.slug})


def test_page_shows_the_form_and_the_report(workspace, data, owner_client):
    response = owner_client.get(
        _url(workspace), {"start": "2025-01-01", "end": "2025-12-31", "language": "en"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert 'name="subject"' in html and 'name="language"' in html
    assert "Impact report" in html
    assert "1,934\u00a0personnes" in html
    assert "75\u00a0%" in html
    assert "Forte affluence après la fermeture du guichet municipal." in html
    assert "registre-accueil-T2.pdf" in html
    assert "<svg" in html
    assert "Indicateur abandonné" not in html
    assert 'style="' not in html.split("<svg")[0]  # no inline styles outside the charts
    # The document buttons post the same parameters.
    assert 'name="start" value="2025-01-01"' in html and 'name="language" value="en"' in html
    assert 'name="format" value="pdf"' in html and 'name="format" value="docx"' in html


def test_page_defaults_to_the_last_full_year(workspace, data, owner_client):
    response = owner_client.get(_url(workspace))
    assert response.status_code == 200
    form = response.context["form"]
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    assert (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
    assert start.year == end.year == date.today().year - 1


def test_the_report_language_is_independent_of_the_interface(workspace, data, owner_client):
    with translation.override("en"):
        response = owner_client.get(_url(workspace), {"language": "fr", "start": "2025-01-01"})
    html = response.content.decode()
    assert f"1{NNBSP}934\u00a0personnes" in html
    assert 'lang="fr"' in html


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"start": "2025-06-01", "end": "2025-01-01"}, "end", "ends before it starts"),
        ({"start": "not a date"}, "start", "valid date"),
        ({"subject": "actor:987654"}, "subject", "valid choice"),
        ({"subject": "nonsense:1"}, "subject", "valid choice"),
        ({"language": "de"}, "language", "valid choice"),
        ({"start": "1950-01-01", "end": "2025-12-31"}, "end", "at most 20 years"),
        ({"start": "9999-01-01", "end": "9999-12-31"}, "end", "between 1900 and 2199"),
    ],
)
def test_invalid_parameters_give_a_form_error(
    workspace, data, owner_client, params, field, message
):
    page = owner_client.get(_url(workspace), params)
    document = owner_client.post(
        _url(workspace, "impact:report_job_create"), {**params, "format": "pdf"}
    )
    for response in (page, document):
        assert response.status_code == 400
        assert message in " ".join(response.context["form"].errors[field])
        assert "alert-danger" in response.content.decode()
    with scope(workspace=workspace):
        assert not ReportJob.objects.exists()


def test_a_subject_of_another_workspace_is_refused(workspace, data, owner_client):
    other = WorkspaceFactory()
    foreign = ActorFactory(workspace=other)
    response = owner_client.get(_url(workspace), {"subject": f"actor:{foreign.pk}"})
    assert response.status_code == 400
    assert "subject" in response.context["form"].errors


def test_subject_choices_are_the_subjects_indicators_are_followed_for(
    workspace, data, owner_client
):
    ActorFactory(workspace=workspace, name="Acteur sans indicateur")
    response = owner_client.get(_url(workspace))
    choices = dict(response.context["form"].fields["subject"].choices)
    assert list(choices) == ["workspace", f"actor:{data['actor'].pk}"]
    response = owner_client.get(_url(workspace), {"subject": f"actor:{data['actor'].pk}"})
    assert response.status_code == 200
    assert response.context["report"].subject.label == "Recyclerie du Val"


def test_a_guest_reads_and_downloads_reports(workspace, data):
    guest = MembershipFactory(workspace=workspace, role=Role.GUEST)
    client = client_for(guest)
    assert client.get(_url(workspace)).status_code == 200
    response, content = _document(client, workspace, "docx", {"language": "en"})
    assert response.status_code == 200
    assert content.startswith(b"PK")  # a zip: the .docx
    assert client.post(_url(workspace)).status_code == 403


def _document(client, workspace, format, params):
    """Ask for a document from the report page's button (the job runs at once in tests), then
    download it from the job's page: (the download response, the file's bytes)."""
    response = client.post(
        _url(workspace, "impact:report_job_create"), {**params, "format": format}
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    job = page.context["job"]
    assert job.status == "done", job.error_message
    download = reverse(
        "impact:report_job_download", kwargs={"workspace_slug": workspace.slug, "pk": job.pk}
    )
    assert download in page.content.decode()
    response = client.get(download)
    content = close_file(response)
    return response, content


# --- DOCX ----------------------------------------------------------------------------------


def _docx(content: bytes) -> Document:
    return Document(io.BytesIO(content))


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_docx_download(workspace, data, owner_client):
    response, content = _document(
        owner_client,
        workspace,
        "docx",
        {"start": "2025-01-01", "end": "2025-12-31", "language": "en"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="impact-report-2025.docx"' in response["Content-Disposition"]
    document = _docx(content)
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings[0] == "Impact report"
    assert "Summary" in headings
    assert "ACC-01 · Personnes accompagnées" in headings
    assert "Per period" in headings and "By Genre" in headings
    assert "Narratives" in headings and "Observations" in headings
    assert "Contribution to the Sustainable Development Goals" in headings
    text = _docx_text(document)
    assert "1,934\u00a0personnes" in text
    assert "75\u00a0%" in text
    assert "Forte affluence après la fermeture du guichet municipal." in text
    assert "Comité de pilotage réuni deux fois" in text
    assert "registre-accueil-T2.pdf" in text
    assert "https://example.org/bilan-t1.pdf" in text
    # Charts are pictures (PNG); the SDG grid is a table shaded in the goals' colours.
    images = [r for r in document.part.rels.values() if "image" in r.reltype]
    assert len(images) == 3  # people per period and by gender, jobs per period
    assert all(r.target_part.content_type == "image/png" for r in images)
    xml = document.element.xml
    assert 'w:fill="E5243B"' in xml  # goal 1
    assert 'w:fill="19486A"' in xml  # goal 17
    links = [r.target_ref for r in document.part.rels.values() if r.is_external]
    assert "https://example.org/bilan-t1.pdf" in links
    assert any(link.startswith("http://testserver/w/") for link in links)
    assert document.core_properties.language == "en"


def test_docx_in_french(workspace, data):
    report = _build(workspace, language="fr")
    document = Document(io.BytesIO(render_docx(report)))
    text = _docx_text(document)
    assert f"1{NNBSP}934\u00a0personnes" in text
    assert "8 juillet 2025" in text  # when the evidence was recorded
    assert document.core_properties.language == "fr"


# --- PDF -----------------------------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[ \t]+", " ", text)


def test_pdf_download_in_english(workspace, data, owner_client):
    response, content = _document(
        owner_client,
        workspace,
        "pdf",
        {"start": "2025-01-01", "end": "2025-12-31", "language": "en"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="impact-report-2025.pdf"' in response["Content-Disposition"]
    text = _pdf_text(content)
    assert "Impact report" in text
    assert "Summary" in text
    assert "Personnes accompagnées" in text
    assert "1,934" in text
    assert "75 %" in text or "75\u00a0%" in text
    assert "Forte affluence après la fermeture du guichet municipal." in text
    assert "registre-accueil-T2.pdf" in text
    assert "Contribution to the Sustainable Development Goals" in text
    assert re.search(r"Page 1 / \d+", text)


def test_pdf_in_french(workspace, data):
    report = _build(workspace, language="fr")
    text = _pdf_text(reports.render_pdf(report))
    assert re.search(f"1[{NNBSP} \u00a0]934", text)
    assert "8 juillet 2025" in text
    assert "Atelier collectif à la recyclerie." in text
