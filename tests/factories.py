"""factory-boy factories shared by the whole suite.

Tenant-owned rows are created outside any django-scopes scope, so `TenantFactory` disables the
guard for the creation only; the code under test still runs with the guard on.
"""

import datetime

import factory
from django.utils import timezone
from django_scopes import scopes_disabled

from maillage.accounts.models import User
from maillage.workspaces.models import Invitation, Membership, Role, Workspace

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Espace {n}")
    slug = factory.Sequence(lambda n: f"espace-{n}")


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    workspace = factory.SubFactory(WorkspaceFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class MembershipFactory(TenantFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class InvitationFactory(TenantFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.MEMBER
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=7))


class ImportJobFactory(TenantFactory):
    class Meta:
        model = "core.ImportJob"

    kind = "members"
    original_filename = "people.csv"
    file = "imports/test/people.csv"


# --- ecosystem -----------------------------------------------------------------------------


class ThemeFactory(TenantFactory):
    class Meta:
        model = "ecosystem.Theme"

    name = factory.Sequence(lambda n: f"Thème {n}")


class AudienceFactory(TenantFactory):
    class Meta:
        model = "ecosystem.Audience"

    name = factory.Sequence(lambda n: f"Public {n}")


class RelationTypeFactory(TenantFactory):
    class Meta:
        model = "ecosystem.RelationType"

    code = factory.Sequence(lambda n: f"type_{n}")
    name = factory.Sequence(lambda n: f"relation {n}")
    inverse_name = factory.Sequence(lambda n: f"inverse relation {n}")


class ActorFactory(TenantFactory):
    """An actor with its derived fields (search text, name key) filled as the services do."""

    class Meta:
        model = "ecosystem.Actor"

    name = factory.Sequence(lambda n: f"Association Acteur {n}")
    profile = "association_employer"
    level = "local"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from maillage.ecosystem.services import name_key, search_text

        actor = model_class(*args, **kwargs)
        with scopes_disabled():
            actor.search_text = search_text(actor)
            actor.name_key = name_key(actor.name)
            actor.save()
        return actor


class ContactFactory(TenantFactory):
    class Meta:
        model = "ecosystem.Contact"

    actor = factory.SubFactory(ActorFactory, workspace=factory.SelfAttribute("..workspace"))
    full_name = factory.Faker("name", locale="fr_FR")
    job_title = "Directrice"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    phone = "01 23 45 67 89"


class RelationFactory(TenantFactory):
    class Meta:
        model = "ecosystem.Relation"

    source = factory.SubFactory(ActorFactory, workspace=factory.SelfAttribute("..workspace"))
    target = factory.SubFactory(ActorFactory, workspace=factory.SelfAttribute("..workspace"))
    relation_type = factory.SubFactory(
        RelationTypeFactory, workspace=factory.SelfAttribute("..workspace")
    )


# --- impact --------------------------------------------------------------------------------


class BreakdownDimensionFactory(TenantFactory):
    class Meta:
        model = "impact.BreakdownDimension"

    name = factory.Sequence(lambda n: f"Dimension {n}")


class BreakdownCategoryFactory(TenantFactory):
    class Meta:
        model = "impact.BreakdownCategory"

    dimension = factory.SubFactory(
        BreakdownDimensionFactory, workspace=factory.SelfAttribute("..workspace")
    )
    name = factory.Sequence(lambda n: f"Catégorie {n}")


class IndicatorFactory(TenantFactory):
    class Meta:
        model = "impact.Indicator"

    code = factory.Sequence(lambda n: f"IND-{n:03d}")
    name = factory.Sequence(lambda n: f"Personnes accompagnées {n}")
    unit = "personnes"
    kind = "quantitative"
    aggregation = "sum"
    frequency = "quarter"


class TrackedIndicatorFactory(TenantFactory):
    """The indicator followed for the workspace itself, unless a subject is given."""

    class Meta:
        model = "impact.TrackedIndicator"

    indicator = factory.SubFactory(IndicatorFactory, workspace=factory.SelfAttribute("..workspace"))
    subject_kind = "workspace"
    subject_id = None


class TargetFactory(TenantFactory):
    class Meta:
        model = "impact.Target"

    tracked = factory.SubFactory(
        TrackedIndicatorFactory, workspace=factory.SelfAttribute("..workspace")
    )
    indicator = factory.SelfAttribute("tracked.indicator")
    period_start = datetime.date(2025, 1, 1)
    period_end = datetime.date(2025, 3, 31)
    value = 100


class MeasurementFactory(TenantFactory):
    class Meta:
        model = "impact.Measurement"

    tracked = factory.SubFactory(
        TrackedIndicatorFactory, workspace=factory.SelfAttribute("..workspace")
    )
    indicator = factory.SelfAttribute("tracked.indicator")
    period_start = datetime.date(2025, 1, 1)
    period_end = datetime.date(2025, 3, 31)
    value = 80
    narrative = "Trimestre conforme au prévisionnel."


class ReportJobFactory(TenantFactory):
    class Meta:
        model = "impact.ReportJob"

    format = "pdf"
    subject_ref = "workspace"
    start = datetime.date(2025, 1, 1)
    end = datetime.date(2025, 12, 31)
    language = "fr"
    created_by = factory.SubFactory(UserFactory)


# --- finance ---------------------------------------------------------------------------------


class FunderFactory(TenantFactory):
    class Meta:
        model = "finance.Funder"

    name = factory.Sequence(lambda n: f"Conseil régional n°{n}")
    source = "public"
    level = "region"


class ProjectFactory(TenantFactory):
    class Meta:
        model = "finance.Project"

    code = factory.Sequence(lambda n: f"PRJ{n}")
    name = factory.Sequence(lambda n: f"Jardins partagés {n}")
    start_date = datetime.date(2025, 1, 1)
    end_date = datetime.date(2026, 12, 31)


class FundingAgreementFactory(TenantFactory):
    """An agreement funding `projects` (default: one new project of the same workspace)."""

    class Meta:
        model = "finance.FundingAgreement"
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"CONV-2025-{n:03d}")
    title = factory.Sequence(lambda n: f"Convention de financement {n}")
    funder = factory.SubFactory(FunderFactory, workspace=factory.SelfAttribute("..workspace"))
    amount_granted = 10000
    start_date = datetime.date(2025, 1, 1)
    end_date = datetime.date(2025, 12, 31)
    eligible_categories = ["60", "61", "62", "64"]

    @factory.post_generation
    def projects(self, create, extracted, **kwargs):
        if not create:
            return
        with scopes_disabled():
            projects = (
                extracted if extracted is not None else [ProjectFactory(workspace=self.workspace)]
            )
            self.projects.set(projects)


class FundingKeyFactory(TenantFactory):
    class Meta:
        model = "finance.FundingKey"

    agreement = factory.SubFactory(
        FundingAgreementFactory, workspace=factory.SelfAttribute("..workspace")
    )
    project = factory.LazyAttribute(lambda o: o.agreement.projects.first())
    share = 50


class BudgetLineFactory(TenantFactory):
    class Meta:
        model = "finance.BudgetLine"

    project = factory.SubFactory(ProjectFactory, workspace=factory.SelfAttribute("..workspace"))
    year = 2025
    category = "60"
    label = "Petit matériel"
    amount = 1000


class ResourceFactory(TenantFactory):
    class Meta:
        model = "finance.Resource"

    funder = factory.SubFactory(
        FunderFactory,
        workspace=factory.SelfAttribute("..workspace"),
        source="members",
        level="other",
    )
    kind = "militant_dues"
    year = 2025
    amount = 1500


class InstalmentFactory(TenantFactory):
    class Meta:
        model = "finance.Instalment"

    agreement = factory.SubFactory(
        FundingAgreementFactory, workspace=factory.SelfAttribute("..workspace")
    )
    received_on = datetime.date(2025, 3, 1)
    amount = 5000


class ReportingDeadlineFactory(TenantFactory):
    class Meta:
        model = "finance.ReportingDeadline"

    agreement = factory.SubFactory(
        FundingAgreementFactory, workspace=factory.SelfAttribute("..workspace")
    )
    due_on = datetime.date(2026, 6, 30)
    label = "Compte rendu financier"


class VarianceExplanationFactory(TenantFactory):
    class Meta:
        model = "finance.VarianceExplanation"

    agreement = factory.SubFactory(
        FundingAgreementFactory, workspace=factory.SelfAttribute("..workspace")
    )
    line = "60"
    text = "Achats reportés sur l'exercice suivant."


class PersonFactory(TenantFactory):
    class Meta:
        model = "finance.Person"

    first_name = factory.Sequence(lambda n: f"Camille{n}")
    last_name = "Durand"
    kind = "employee"
    job_title = "Animatrice"


class VolunteerFactory(PersonFactory):
    kind = "volunteer"
    valuation_rate = 15


class ContractFactory(TenantFactory):
    class Meta:
        model = "finance.Contract"

    person = factory.SubFactory(PersonFactory, workspace=factory.SelfAttribute("..workspace"))
    start_date = datetime.date(2024, 1, 1)
    weekly_hours = 35
    gross_annual_salary = 30000
    annual_employer_charges = 12000


class TimeEntryFactory(TenantFactory):
    class Meta:
        model = "finance.TimeEntry"

    person = factory.SubFactory(PersonFactory, workspace=factory.SelfAttribute("..workspace"))
    project = factory.SubFactory(ProjectFactory, workspace=factory.SelfAttribute("..workspace"))
    date = datetime.date(2025, 3, 3)
    hours = 7


class LedgerLineFactory(TenantFactory):
    class Meta:
        model = "finance.LedgerLine"

    journal_code = "AC"
    journal_label = "Achats"
    entry_number = factory.Sequence(lambda n: f"AC{n:05d}")
    entry_date = datetime.date(2025, 3, 10)
    account_number = "6063"
    account_label = "Fournitures d'entretien et de petit équipement"
    piece_ref = factory.Sequence(lambda n: f"FA{n:05d}")
    piece_date = datetime.date(2025, 3, 8)
    label = "Outils de jardinage"
    debit = 500
    credit = 0
    category = "60"
    fingerprint = factory.Sequence(lambda n: f"{n:040x}")


class AssignmentRuleFactory(TenantFactory):
    class Meta:
        model = "finance.AssignmentRule"

    project = factory.SubFactory(ProjectFactory, workspace=factory.SelfAttribute("..workspace"))
    account_prefix = "60"


class LedgerAllocationFactory(TenantFactory):
    class Meta:
        model = "finance.LedgerAllocation"

    line = factory.SubFactory(LedgerLineFactory, workspace=factory.SelfAttribute("..workspace"))
    project = factory.SubFactory(ProjectFactory, workspace=factory.SelfAttribute("..workspace"))
    share = 100


class AccountMappingFactory(TenantFactory):
    class Meta:
        model = "finance.AccountMapping"

    prefix = "621"
    category = "64"


class DocumentJobFactory(TenantFactory):
    """A finance document (the EU pack) asked for by `created_by`, waiting for its turn."""

    class Meta:
        model = "finance.DocumentJob"

    kind = "eu_pack"
    agreement = factory.SubFactory(
        FundingAgreementFactory, workspace=factory.SelfAttribute("..workspace")
    )
    language = "en"
    created_by = factory.SubFactory(UserFactory)


# --- partnerships ------------------------------------------------------------------------


class PartnershipKindFactory(TenantFactory):
    class Meta:
        model = "partnerships.PartnershipKind"

    name = factory.Sequence(lambda n: f"Coopération {n}")


class PartnershipFactory(TenantFactory):
    """A partnership at 01 Meet; give `stage`/`status` to start elsewhere (tests only: the app
    changes them through gate decisions)."""

    class Meta:
        model = "partnerships.Partnership"

    name = factory.Sequence(lambda n: f"Tiers-lieu partagé {n}")
    kind = factory.SubFactory(
        PartnershipKindFactory, workspace=factory.SelfAttribute("..workspace")
    )
    objectives = factory.LazyFunction(lambda: ["pool", "resources"])
    start_date = datetime.date(2026, 1, 5)


class PartnershipMemberFactory(TenantFactory):
    class Meta:
        model = "partnerships.PartnershipMember"

    partnership = factory.SubFactory(PartnershipFactory)
    workspace = factory.SelfAttribute("partnership.workspace")
    actor = factory.SubFactory(ActorFactory, workspace=factory.SelfAttribute("..workspace"))
    role = "partner"
    side = "association"


class PartnershipGuestFactory(TenantFactory):
    """`membership` is a guest of the partnership's workspace, speaking for `member`."""

    class Meta:
        model = "partnerships.PartnershipGuest"

    partnership = factory.SubFactory(PartnershipFactory)
    workspace = factory.SelfAttribute("partnership.workspace")
    member = factory.SubFactory(
        PartnershipMemberFactory,
        partnership=factory.SelfAttribute("..partnership"),
        side="company",
        actor__profile="company_pme",
    )
    membership = factory.SubFactory(
        MembershipFactory, workspace=factory.SelfAttribute("..workspace"), role=Role.GUEST
    )


class GateDecisionFactory(TenantFactory):
    """A logged decision as stored (the stage is not changed: use the service for that)."""

    class Meta:
        model = "partnerships.GateDecision"

    partnership = factory.SubFactory(PartnershipFactory)
    workspace = factory.SelfAttribute("partnership.workspace")
    decided_on = datetime.date(2026, 3, 2)
    outcome = "no_go"
    deciders = "Claire Martin\nPaul Dupont"
    rationale = "Les objectifs ne sont pas encore alignés."
    stage_before = factory.SelfAttribute("partnership.stage")
    stage_after = factory.SelfAttribute("partnership.stage")
    status_before = "active"
    status_after = "active"


class GateAttachmentFactory(TenantFactory):
    """A file attached to a decision (a small text file in the media storage)."""

    class Meta:
        model = "partnerships.GateAttachment"

    decision = factory.SubFactory(GateDecisionFactory)
    workspace = factory.SelfAttribute("decision.workspace")
    file = factory.django.FileField(filename="compte-rendu.txt", data=b"Go unanime")
    name = "compte-rendu.txt"


class CanvasEntryFactory(TenantFactory):
    class Meta:
        model = "partnerships.CanvasEntry"

    member = factory.SubFactory(PartnershipMemberFactory)
    partnership = factory.SelfAttribute("member.partnership")
    workspace = factory.SelfAttribute("member.workspace")
    section = "objective"
    level = "operations"
    text = "Développer une ligne de vêtements adaptés"
    figures = "1 000 vêtements par an"


class FitExpectationFactory(TenantFactory):
    class Meta:
        model = "partnerships.FitExpectation"

    member = factory.SubFactory(PartnershipMemberFactory)
    partnership = factory.SelfAttribute("member.partnership")
    workspace = factory.SelfAttribute("member.workspace")
    dimension = "association_value"
    expectation = "Accéder à un local deux jours par semaine"
    fit = "fits"


class ExperimentPlanFactory(TenantFactory):
    class Meta:
        model = "partnerships.ExperimentPlan"

    partnership = factory.SubFactory(PartnershipFactory)
    workspace = factory.SelfAttribute("partnership.workspace")
    tests = factory.LazyFunction(lambda: ["simple_actions"])
    tools = factory.LazyFunction(lambda: ["workshop", "event"])
    success_criteria = "Deux ateliers communs tenus\nUn retour positif des bénévoles"


class MasterPlanFactory(TenantFactory):
    class Meta:
        model = "partnerships.MasterPlan"

    partnership = factory.SubFactory(PartnershipFactory)
    workspace = factory.SelfAttribute("partnership.workspace")
    starts_on = datetime.date(2026, 1, 5)
    purpose = "Rendre la culture accessible à toutes et tous"


class WorkAxisFactory(TenantFactory):
    class Meta:
        model = "partnerships.WorkAxis"

    partnership = factory.SubFactory(PartnershipFactory)
    workspace = factory.SelfAttribute("partnership.workspace")
    name = factory.Sequence(lambda n: f"Axe {n}")


class AxisResultFactory(TenantFactory):
    class Meta:
        model = "partnerships.AxisResult"

    axis = factory.SubFactory(WorkAxisFactory)
    partnership = factory.SelfAttribute("axis.partnership")
    workspace = factory.SelfAttribute("axis.workspace")
    horizon = 3
    indicator = factory.SubFactory(IndicatorFactory, workspace=factory.SelfAttribute("..workspace"))


class MilestoneFactory(TenantFactory):
    class Meta:
        model = "partnerships.Milestone"

    partnership = factory.SubFactory(PartnershipFactory)
    workspace = factory.SelfAttribute("partnership.workspace")
    name = factory.Sequence(lambda n: f"Jalon {n}")
    start_date = datetime.date(2026, 2, 1)
    due_date = datetime.date(2026, 3, 31)


class RitualFactory(TenantFactory):
    class Meta:
        model = "partnerships.Ritual"

    partnership = factory.SubFactory(PartnershipFactory)
    workspace = factory.SelfAttribute("partnership.workspace")
    name = "Comité de pilotage"
    frequency = "quarterly"


class GovernanceRoleFactory(TenantFactory):
    class Meta:
        model = "partnerships.GovernanceRole"

    partnership = factory.SubFactory(PartnershipFactory)
    workspace = factory.SelfAttribute("partnership.workspace")
    person = "Claire Martin"
    responsibility = "Coordination"


class MeetingFactory(TenantFactory):
    class Meta:
        model = "partnerships.Meeting"

    partnership = factory.SubFactory(PartnershipFactory)
    workspace = factory.SelfAttribute("partnership.workspace")
    held_on = datetime.date(2026, 2, 10)
    title = factory.Sequence(lambda n: f"Réunion {n}")


class MeetingDecisionFactory(TenantFactory):
    class Meta:
        model = "partnerships.MeetingDecision"

    meeting = factory.SubFactory(MeetingFactory)
    partnership = factory.SelfAttribute("meeting.partnership")
    workspace = factory.SelfAttribute("meeting.workspace")
    text = "Lancer un atelier commun en mars"


class ActionItemFactory(TenantFactory):
    class Meta:
        model = "partnerships.ActionItem"

    partnership = factory.SubFactory(PartnershipFactory)
    workspace = factory.SelfAttribute("partnership.workspace")
    title = factory.Sequence(lambda n: f"Action {n}")
    owner = "Paul Dupont"
    due_on = datetime.date(2026, 3, 15)


class RiskFactory(TenantFactory):
    class Meta:
        model = "partnerships.Risk"

    partnership = factory.SubFactory(PartnershipFactory)
    workspace = factory.SelfAttribute("partnership.workspace")
    title = "Départ de l'interlocuteur côté entreprise"
    side = "company"
    nature = "operational"
    likelihood = 3
    impact = 4


class ChecklistReviewFactory(TenantFactory):
    class Meta:
        model = "partnerships.ChecklistReview"

    partnership = factory.SubFactory(PartnershipFactory)
    workspace = factory.SelfAttribute("partnership.workspace")
    reviewed_on = datetime.date(2026, 3, 1)


class EvaluationFactory(TenantFactory):
    class Meta:
        model = "partnerships.Evaluation"

    partnership = factory.SubFactory(PartnershipFactory)
    workspace = factory.SelfAttribute("partnership.workspace")
    evaluated_on = datetime.date(2026, 6, 30)
    title = "Fin de l'expérimentation"


class EvaluationScoreFactory(TenantFactory):
    class Meta:
        model = "partnerships.EvaluationScore"

    evaluation = factory.SubFactory(EvaluationFactory)
    partnership = factory.SelfAttribute("evaluation.partnership")
    workspace = factory.SelfAttribute("evaluation.workspace")
    member = factory.SubFactory(
        PartnershipMemberFactory,
        partnership=factory.SelfAttribute("..partnership"),
    )
    dimension = "association_value"
    score = 4
    evidence = "Deux ateliers tenus, 40 participants"


# --- diagnostics ------------------------------------------------------------------------


class EngagementFactory(TenantFactory):
    """An engagement without its default lists (use services.defaults.ensure_defaults)."""

    class Meta:
        model = "diagnostics.Engagement"

    title = factory.Sequence(lambda n: f"Diagnostic de l'alliance {n}")
    start_date = datetime.date(2026, 1, 5)
    end_date = datetime.date(2026, 9, 30)
    budget_days = 25
    budget_amount = 25000


class EngagementOrganisationFactory(TenantFactory):
    class Meta:
        model = "diagnostics.EngagementOrganisation"

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    actor = factory.SubFactory(ActorFactory, workspace=factory.SelfAttribute("..workspace"))


class CommitteeMemberFactory(TenantFactory):
    class Meta:
        model = "diagnostics.CommitteeMember"

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    name = "Directrice des opérations"


class EngagementMilestoneFactory(TenantFactory):
    class Meta:
        model = "diagnostics.EngagementMilestone"

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    kind = "diagnostic"
    name = "Diagnostic restitué"
    due_on = datetime.date(2026, 4, 30)


class TimeSpentFactory(TenantFactory):
    class Meta:
        model = "diagnostics.TimeSpent"

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    spent_on = datetime.date(2026, 2, 3)
    person = "Consultante"
    days = 1
    amount = 1000


class DimensionFactory(TenantFactory):
    class Meta:
        model = "diagnostics.Dimension"

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    name = factory.Sequence(lambda n: f"Dimension {n}")


class StakeholderFactory(TenantFactory):
    class Meta:
        model = "diagnostics.Stakeholder"

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    name = factory.Sequence(lambda n: f"Personne interrogée {n}")
    email = factory.Sequence(lambda n: f"partie{n}@example.org")
    category = "team"
    consent = True


class InterviewQuestionFactory(TenantFactory):
    class Meta:
        model = "diagnostics.InterviewQuestion"

    dimension = factory.SubFactory(DimensionFactory)
    engagement = factory.SelfAttribute("dimension.engagement")
    workspace = factory.SelfAttribute("dimension.workspace")
    text_fr = "Comment la stratégie commune est-elle revue ?"
    text_en = "How is the common strategy reviewed?"


class InterviewFactory(TenantFactory):
    class Meta:
        model = "diagnostics.Interview"
        skip_postgeneration_save = True

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    status = "done"
    held_on = datetime.date(2026, 2, 10)
    notes = "Notes confidentielles de l'entretien"

    @factory.post_generation
    def stakeholders(self, create, extracted, **kwargs):
        if not create:
            return
        with scopes_disabled():
            people = extracted or [StakeholderFactory(engagement=self.engagement)]
            self.stakeholders.set(people)


class ReviewedDocumentFactory(TenantFactory):
    class Meta:
        model = "diagnostics.ReviewedDocument"

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    title = factory.Sequence(lambda n: f"Plan stratégique commun v{n}")


class FindingFactory(TenantFactory):
    class Meta:
        model = "diagnostics.Finding"

    dimension = factory.SubFactory(DimensionFactory)
    engagement = factory.SelfAttribute("dimension.engagement")
    workspace = factory.SelfAttribute("dimension.workspace")
    quadrant = "weakness"
    statement = factory.Sequence(lambda n: f"Les décisions communes tardent ({n})")
    severity = 3


class FindingSourceFactory(TenantFactory):
    """A source from an interview of the finding's engagement."""

    class Meta:
        model = "diagnostics.FindingSource"

    finding = factory.SubFactory(FindingFactory)
    workspace = factory.SelfAttribute("finding.workspace")
    interview = factory.SubFactory(
        InterviewFactory, engagement=factory.SelfAttribute("..finding.engagement")
    )
    quote = "« On attend toujours la validation de l'autre côté. »"


class SwotItemFactory(TenantFactory):
    class Meta:
        model = "diagnostics.SwotItem"

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    quadrant = "weakness"
    text = "Une prise de décision lente"


class QuestionnaireFactory(TenantFactory):
    class Meta:
        model = "diagnostics.Questionnaire"

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    title = "Questionnaire de diagnostic"


class QuestionnaireItemFactory(TenantFactory):
    class Meta:
        model = "diagnostics.QuestionnaireItem"

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    workspace = factory.SelfAttribute("questionnaire.workspace")
    dimension = factory.SubFactory(
        DimensionFactory, engagement=factory.SelfAttribute("..questionnaire.engagement")
    )
    statement_fr = "Les décisions communes sont prises à temps."
    statement_en = "Joint decisions are taken in time."


class QuestionnaireInvitationFactory(TenantFactory):
    class Meta:
        model = "diagnostics.QuestionnaireInvitation"

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    workspace = factory.SelfAttribute("questionnaire.workspace")
    stakeholder = factory.SubFactory(
        StakeholderFactory, engagement=factory.SelfAttribute("..questionnaire.engagement")
    )


class QuestionnaireAnswerFactory(TenantFactory):
    class Meta:
        model = "diagnostics.QuestionnaireAnswer"

    invitation = factory.SubFactory(QuestionnaireInvitationFactory)
    workspace = factory.SelfAttribute("invitation.workspace")
    item = factory.SubFactory(
        QuestionnaireItemFactory, questionnaire=factory.SelfAttribute("..invitation.questionnaire")
    )
    value = 3


class ScenarioFactory(TenantFactory):
    class Meta:
        model = "diagnostics.Scenario"

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    name = factory.Sequence(lambda n: f"Scénario {n}")


class CriterionFactory(TenantFactory):
    class Meta:
        model = "diagnostics.Criterion"

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    name = factory.Sequence(lambda n: f"Critère {n}")
    weight = 20


class ScenarioScoreFactory(TenantFactory):
    class Meta:
        model = "diagnostics.ScenarioScore"

    scenario = factory.SubFactory(ScenarioFactory)
    workspace = factory.SelfAttribute("scenario.workspace")
    criterion = factory.SubFactory(
        CriterionFactory, engagement=factory.SelfAttribute("..scenario.engagement")
    )
    score = 3


class RecommendationFactory(TenantFactory):
    class Meta:
        model = "diagnostics.Recommendation"

    dimension = factory.SubFactory(DimensionFactory)
    engagement = factory.SelfAttribute("dimension.engagement")
    workspace = factory.SelfAttribute("dimension.workspace")
    title = factory.Sequence(lambda n: f"Clarifier les circuits de décision {n}")


class PlanActionFactory(TenantFactory):
    class Meta:
        model = "diagnostics.PlanAction"

    recommendation = factory.SubFactory(RecommendationFactory)
    engagement = factory.SelfAttribute("recommendation.engagement")
    workspace = factory.SelfAttribute("recommendation.workspace")
    title = factory.Sequence(lambda n: f"Rédiger la charte de décision {n}")
    start_on = datetime.date(2026, 5, 1)
    due_on = datetime.date(2026, 6, 30)
    owner = "Directrice des opérations"


class ActionUpdateFactory(TenantFactory):
    class Meta:
        model = "diagnostics.ActionUpdate"

    action = factory.SubFactory(PlanActionFactory)
    workspace = factory.SelfAttribute("action.workspace")
    on = datetime.date(2026, 5, 15)
    progress = 30


class CommitteeMeetingFactory(TenantFactory):
    class Meta:
        model = "diagnostics.CommitteeMeeting"

    engagement = factory.SubFactory(EngagementFactory)
    workspace = factory.SelfAttribute("engagement.workspace")
    kind = "kick_off"
    held_on = datetime.date(2026, 1, 12)


class CommitteeOutcomeFactory(TenantFactory):
    class Meta:
        model = "diagnostics.CommitteeOutcome"

    meeting = factory.SubFactory(CommitteeMeetingFactory)
    workspace = factory.SelfAttribute("meeting.workspace")
    text = "Le périmètre du diagnostic est validé."


class CommitteeActionItemFactory(TenantFactory):
    class Meta:
        model = "diagnostics.CommitteeActionItem"

    meeting = factory.SubFactory(CommitteeMeetingFactory)
    workspace = factory.SelfAttribute("meeting.workspace")
    title = "Envoyer la liste des personnes à interroger"
    owner = "Cheffe de projet"
