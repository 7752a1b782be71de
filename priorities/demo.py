"""Demonstration plans from the seed documents: the Lancashire Community Safety Agreement 2017-18
(seed 000), Lancaster District CSP's 2011-12 plan (seed 001) and Chorley and South Ribble's
2022-2025 partnership plan (seed 004). District priorities say which county priority they support.

Leads are given by role title: the documents name real people, the demo must not. The assessments
app's demo step (order 450) loads the Lancashire Strategic Assessment 2022-2025; the Chorley and South
Ribble plan is based on it and its priorities cite the threats they respond to (when it is absent,
the plan simply names no assessment).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assessments.models import StrategicAssessment, Threat
from csp_portal import writes
from csp_portal.organisations.demo import CONSTABULARY, COUNTY_COUNCIL, FIRE, DemoContext, demo_step
from csp_portal.organisations.models import Agency

from . import services
from .models import (
    Commitment,
    ContributoryFactor,
    CurrentWork,
    Outcome,
    Plan,
    Priority,
    PriorityEvidence,
    PriorityFactor,
)

ALCOHOL, DRUGS, REOFFENDING = "Alcohol use or misuse", "Drug use or misuse", "Previous offending"


@dataclass(frozen=True)
class PrioritySpec:
    title: str
    why: str = ""
    lead_role: str = ""
    lead_agency: str | None = None
    owner: str = ""
    supports: str | None = None  # the title of the county priority it supports
    outcomes: tuple[str, ...] = ()
    current_work: tuple[str, ...] = ()
    commitments: tuple[str, ...] = ()
    factors: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()  # threat names in the plan's assessment, linked when it exists


@dataclass(frozen=True)
class PlanSpec:
    partnership: str
    title: str
    period: tuple[date, date]
    summary: str
    priorities: tuple[PrioritySpec, ...]
    related: tuple[str, ...] = ()
    assessment_period: tuple[str, int] | None = None  # (partnership slug, first year) of the SA it is based on
    status: str = Plan.Status.AGREED


def with_subs(head: str, *subs: str) -> str:
    """A point with sub-points under it, as the priority form stores them."""
    return "\n".join([head, *(f"- {sub}" for sub in subs)])


# -- Lancashire Community Safety Agreement 2017-18 (seed 000) -----------------------------------------

SA_TOP_CATEGORY = (
    "The strategic assessment identifies it as one of the top crime and anti-social behaviour categories "
    "across Lancashire."
)
CSA_FACTORS = (ALCOHOL, DRUGS, REOFFENDING)

LANCASHIRE_CSA = PlanSpec(
    partnership="lancashire",
    title="Lancashire Community Safety Agreement 2017-18",
    period=(date(2017, 4, 1), date(2018, 3, 31)),
    summary=(
        "“Working together to make Lancashire a better place for this and future generations; by targeting "
        "vulnerability, increasing resilience and reducing crime.”\n\n"
        "The Community Safety Agreement sets out how we will work together to address the community safety "
        "priorities for Lancashire. It is owned by the Lancashire Chief Executives Group, as the Community Safety "
        "Strategy Group, which brings together representatives from the responsible authorities to set the "
        "strategic direction and coordinate partnership activity to tackle crime and disorder. Partnership plans "
        "are tailored to local need and are developed and delivered by local Community Safety Partnerships.\n\n"
        "The main contributory factors in the commission of crime and for increased risk of victimisation are "
        "alcohol use or misuse, drug use or misuse and previous offending; deprivation, social inequality and poor "
        "mental health are determinants that influence offending and vulnerability.\n\n"
        "Measuring success: a dashboard on which to monitor priorities and significant threats, linking county, "
        "district and unitary progress."
    ),
    related=(
        "The Police and Crime Plan",
        "Towards Zero Lancashire: Road Safety Strategy for Lancashire",
        "Pan-Lancashire Domestic Abuse Strategy",
        "Alcohol Harm Reduction Action Plan (draft)",
        "Child Sexual Exploitation Multi-Agency Strategy 2015-2018",
        "Prevent",
        "Serious Harm Reduction Strategy",
        "Hate Crime Strategy (draft)",
    ),
    priorities=(
        PrioritySpec("Violence against the person", why=SA_TOP_CATEGORY, factors=CSA_FACTORS),
        PrioritySpec("Domestic abuse", why=SA_TOP_CATEGORY, factors=CSA_FACTORS),
        PrioritySpec(
            "Child sexual exploitation (CSE)",
            why=SA_TOP_CATEGORY
            + " Exploitation of vulnerable people is one of the key threats from serious and organised crime.",
            factors=CSA_FACTORS,
        ),
        PrioritySpec(
            "Anti-social behaviour (ASB)",
            why=SA_TOP_CATEGORY
            + " The Living in Lancashire residents' panel found ASB and gangs of youths the most cited reason for "
            "feeling unsafe.",
            factors=CSA_FACTORS,
        ),
        PrioritySpec("Road safety", why=SA_TOP_CATEGORY, factors=CSA_FACTORS),
    ),
)

# -- Lancaster District Community Safety Plan 2011-12 (seed 001) --------------------------------------

LANCASTER_PLAN = PlanSpec(
    partnership="lancaster",
    title="Lancaster District Community Safety Plan 2011-12",
    period=(date(2011, 4, 1), date(2012, 3, 31)),
    summary=(
        "The production of a Community Safety Plan is a legislative requirement of all Community Safety "
        "Partnerships. Its purpose is to provide a plan of action for work to be carried out by the CSP for the "
        "year. It is based on the Strategic Assessment, which is in turn based on statistical analysis across the "
        "district.\n\n"
        "Many partner organisations have been under review during the development of the plan. It has been written "
        "to prioritise the areas of most concern, where the CSP can work together to make a difference. It sets out "
        "the activities that come directly from the Lancaster District CSP working together in partnership, not all "
        "community safety work in the district.\n\n"
        "Monitoring and evaluation take place in the quarterly CSP meetings, concentrating on the direction of "
        "statistics against the key priorities and progress against the action plans."
    ),
    priorities=(
        PrioritySpec(
            "Domestic violence and abuse",
            why="Reduce domestic violence.",
            lead_role="Domestic Abuse Lead",
            lead_agency=COUNTY_COUNCIL,
            supports="Domestic abuse",
            outcomes=(
                "Reduce the number of repeat referrals to MARAC",
                "Increase reporting of domestic violence incidents",
            ),
            current_work=(
                "A multi-agency group meets to deliver a wide range of activities around domestic violence and abuse",
                "Lancaster District Women's Aid supports victims by counselling and advocacy",
                "PCSOs provide links to services for vulnerable people and those experiencing domestic abuse",
                "Activities take place to reduce reoffending",
                "The CSP has developed a PCSO role which focuses on alcohol-related harm",
            ),
        ),
        PrioritySpec(
            "Violence against the person",
            why="Reduce violence against the person, particularly where alcohol is a factor.",
            lead_role="Chief Inspector",
            lead_agency=CONSTABULARY,
            supports="Violence against the person",
            outcomes=("Reduce alcohol-related violent crime",),
            current_work=(
                "Prevention work around reoffending, with work around prolific offenders",
                "Multi-agency licensing operations and awareness raising, assisted by Police Community Support "
                "Officers (PCSOs)",
            ),
            factors=(ALCOHOL,),
        ),
        PrioritySpec(
            "Road safety",
            why="Reduce road traffic collisions and the casualties from them.",
            lead_role="Road Safety Lead",
            lead_agency=FIRE,
            supports="Road safety",
            outcomes=(
                "Reduce casualties from collisions involving vehicles",
                "Reduce casualties from collisions involving pedestrians",
                "Reduce casualties from collisions involving cyclists",
            ),
            current_work=("PCSOs link to the Lancashire Safer Travel Unit",),
        ),
        PrioritySpec(
            "Anti-social behaviour",
            why="Reduce incidents of anti-social behaviour.",
            lead_role="Community Safety Manager",
            lead_agency="Lancaster City Council",
            supports="Anti-social behaviour (ASB)",
            outcomes=(
                "Reduce incidents of environmental anti-social behaviour",
                "Reduce incidents of disorder",
                "Reduce repeat referrals to ASBRAC",
            ),
            current_work=(
                "Multi-agency problem solving (MAPS) meetings solve particular cases of anti-social behaviour; PCSOs "
                "bring issues from the community to MAPS and help find solutions",
                "The CSP links to the county ASB group to ensure best practice is followed and agreed standards are "
                "met",
                "Development of the ASB PCSO role",
                "Community engagement to build confidence; PCSOs link the CSP to the community",
                "Preventing reoffending with young people and in particular prolific offenders",
                "The CSP embraces the government's proposals for a new streamlined approach to ASB",
                "PCSOs tackle signal crime such as criminal damage, graffiti and fly tipping by problem solving",
                "PCSOs patrol key ASB hotspots and visit licensed premises selling to underage children",
            ),
        ),
        PrioritySpec(
            "Serious acquisitive crime",
            why="Reduce serious acquisitive crime: vehicle crime, burglary and reoffending by prolific offenders.",
            lead_role="Chief Inspector",
            lead_agency=CONSTABULARY,
            outcomes=(
                "Reduce vehicle crime",
                "Reduce burglary in dwellings",
                "Reduce reoffending by prolific and priority offenders (PPOs)",
            ),
            current_work=(
                "Multi-agency work around prolific offenders and into treatment services",
                "PCSOs assist police operations around serious acquisitive crime and patrol key areas",
            ),
            factors=(DRUGS, ALCOHOL, REOFFENDING),
        ),
    ),
)

# -- Chorley and South Ribble Community Safety Partnership Plan 2022-2025 (seed 004) ------------------

CSR_PLAN = PlanSpec(
    partnership="chorley-south-ribble",
    title="Chorley and South Ribble Community Safety Partnership Plan 2022-2025",
    period=(date(2022, 4, 1), date(2025, 3, 31)),
    assessment_period=("lancashire", 2022),
    summary=(
        "As Chair of the Chorley and South Ribble Community Safety Partnership (CSP) I am pleased to introduce the "
        "Partnership Plan for 2022-2025. This plan sets out how we are going to ensure that your community remains "
        "one of the safest in the county.\n\n"
        "The CSP has a proven track record for responding to changes in legislation and emerging issues that affect "
        "our local communities. We have established an effective and proactive partnership working to enable a "
        "consistent response to address community safety issues. This collaborative way of working will help to "
        "sustain the low level of crime and anti-social behaviour (ASB) already achieved.\n\n"
        "We recognise there are still significant challenges ahead and that tackling crime and ASB is very important "
        "for our residents. We will continue to listen to our communities to improve health, wellbeing and safety "
        "and we trust the plan gives you the assurance of our commitment to making Chorley and South Ribble one of "
        "the safest places to live, work, visit and play.\n\n"
        "Director of Communities, Chorley and South Ribble Councils; Chair, Chorley and South Ribble Community "
        "Safety Partnership"
    ),
    related=(
        "Hate Crime Strategy",
        "Child Exploitation",
        "Violence Reduction Strategy",
        "Reducing Reoffending Strategy",
        "Lancashire Community Safety Agreement",
        "Road Safety",
        "Modern Slavery",
        "Domestic Abuse",
        "Lancashire Prevent Action Plan",
        "Police and Crime Plan",
        "Lancashire Fire and Rescue Service",
    ),
    priorities=(
        PrioritySpec(
            "Anti-social behaviour",
            why=(
                "Anti-social behaviour (ASB) covers a wide range of unreasonable behaviour that can cause alarm, "
                "distress and harassment to an individual, a community or their environment. Data patterns of ASB "
                "over the last two years have been substantially affected by the coronavirus (COVID-19) pandemic and "
                "government restrictions on social contact. The CSP recognises that being a victim of ASB can have a "
                "detrimental effect on quality of life, and it will remain a firm priority for the responsible "
                "authorities to continue to target proactively."
            ),
            supports="Anti-social behaviour (ASB)",
            evidence=("Anti-Social Behaviour",),
            outcomes=(
                "We aim to reduce the amount of people at fear of crime and ASB and promote a better quality of life",
                "Increase the understanding and confidence of the work undertaken by the responsible authorities",
                "Increase the reporting of ASB through increased confidence to ensure an accurate local profile to "
                "build an effective response",
            ),
            current_work=(
                with_subs(
                    "Members of the partnership attend a variety of working forums and meetings to contribute to the "
                    "reduction of ASB including:",
                    "Lancashire Reducing Re-offending Board",
                    "Multi-Agency Risk Assessment Conference",
                    "Multi-Agency Public Protection Arrangements",
                    "Weekly Neighbourhood Police Tasking Meetings",
                    "Multi-agency youth ASB task meetings",
                ),
                "Promote early action initiatives",
                "Engage with communities",
                "Provide and promote diversionary and positive actions",
                "Access suitable funding to tackle ASB",
                "Use formal enforcement sanctions where required",
                "Mapping of ASB problem areas for targeted patrol",
                "Address the causes of first-time entry to the youth criminal justice system",
            ),
            commitments=(
                "Utilise support systems such as the Problem Orientated Policing System",
                "Work with partners to increase access to specialist mediation services",
                "Continue to support and promote early action initiatives and prevention strategies",
                "Continue to engage with our communities to establish and tackle emerging trends",
                "Continue to provide, and promote diversionary and positive activities",
                "Keep up to date with current civil and criminal prosecution processes",
                "Support outreach initiatives",
                "Continue a coordinated multi-agency approach to tackle and reduce ASB",
                "Use information and intelligence effectively to target ASB",
                "Engage in youth panels and local schools",
                "Encourage referrals for one to one education",
            ),
        ),
        PrioritySpec(
            "Vulnerability and exploitation",
            why=(
                "Exploitation can involve grooming, being forced or coerced into doing something that you do not want "
                "to, or convinced it is the right thing to do for someone else's gain. This can most commonly be "
                "recognised as offences such as sexual exploitation and modern day slavery involving vulnerable "
                "children, adults and families. The CSP has identified vulnerable adults and children being exploited "
                "by organised crime gangs as a key priority risk through multi-agency information sharing."
            ),
            supports="Child sexual exploitation (CSE)",
            evidence=(
                "Child Sexual Exploitation",
                "Child Criminal Exploitation",
                "Modern Day Slavery/Trafficking",
                "County Lines",
            ),
            outcomes=(
                "To protect vulnerable members of the public from exploitation",
                "Reduce the impact, harm, capability, and presence of organised crime groups",
                "Prevent human trafficking and modern slavery offences and support victims that are identified",
                "Increase the local knowledge and intelligence across the responsible authorities",
            ),
            current_work=(
                with_subs(
                    "Members of the partnership attend a variety of working forums and meetings to identify and "
                    "support victims of exploitation and share information to identify perpetrators, these include:",
                    "Genga - multi-agency partnership for strategic and organised gangs",
                    "Violence Reduction Unit",
                    "SRIT South Ribble Multi Agency Integrated Team",
                    "PIVOT Chorley Multi Agency Integrated Team",
                    "MARAC - Multi Agency Risk Assessment Conference",
                    "MAPPA - Multi Agency Public Protection Arrangements",
                    "CONTEST (Counter Terrorism) Board",
                    "Pan Lancashire Anti-Slavery Partnership (PLASP)",
                ),
                "Map out and target organised crime gangs",
                "Utilise relevant risk assessment tools, deployment, and engagement with vulnerable people and "
                "children",
                "Use of enforcement tools where appropriate",
                "Offer interventions for young people and targeted group work for schools, colleges and other partners",
            ),
            commitments=(
                "Provide training to front line professionals across the partnership including volunteer partners "
                "relating to the awareness of exploitation, including modern day slavery, trafficking, domestic "
                "servitude, child exploitation and sexual exploitation",
                "Promote awareness campaigns",
                "Establish stronger links in communities for better intelligence gathering",
                "Referral through multi-agency hub and utilise established pathways through early intervention teams "
                "to identify hidden risk",
                "Attend and effectively participate with the Genga meeting and process",
                "Regularly promote the referral pathways to specialist support and services",
                "Provide resources to support the work of the Pan Lancashire Anti-Slavery Partnership days of action",
                "Refer to the National Referral Mechanism as appropriate first responders to support potential victims",
                with_subs(
                    "Strengthen alignment and links between the Community Safety Partnerships and:",
                    "Operation Deter",
                    "Safeguarding Adults Boards and Children's Safeguarding Assurance Partnership",
                ),
            ),
        ),
        PrioritySpec(
            "Domestic abuse and violence against women and girls",
            why=(
                "Domestic abuse is defined as any incident of controlling, coercive or threatening behaviour, violence "
                "or abuse between those aged 16 or over who are or have been intimate partners or family members, "
                "regardless of their gender or sexuality. Abusive behaviour can consist of physical or sexual abuse; "
                "violent or threatening behaviour; controlling or coercive behaviour; economic abuse; psychological, "
                "emotional or other abuse. There has been a concerning increase of domestic abuse recorded locally "
                "across both Chorley and South Ribble, with 6 Domestic Homicide Reviews completed in the last 3 years "
                "and 2 ongoing so far for 2023."
            ),
            supports="Domestic abuse",
            evidence=("Domestic Abuse",),
            outcomes=(
                "To reduce the number of incidents of domestic abuse",
                "Provide support and after care to victims of domestic abuse",
                "Hold perpetrators accountable",
                "Specifically target the reduction of violence against women and girls",
            ),
            current_work=(
                with_subs(
                    "Members of the partnership engage and support several campaigns, schemes, working forums and "
                    "meetings to identify and support victims of domestic abuse and share information to identify "
                    "perpetrators, these include:",
                    "Pan Lancashire Domestic Abuse Steering Group",
                    "Lancashire Domestic Abuse Forums",
                    "MARAC",
                    "MASH - Multi Agency Safeguarding Hub",
                    "Lancashire Victim Services",
                    "White Ribbon Campaign",
                    "Refuge / helplines",
                    "Sanctuary Scheme",
                    "Nest - support for young victims of crime and abuse",
                    "PLASP - Pan Lancs Anti-Slavery Partnership",
                ),
                "Undertake Domestic Homicide Reviews",
                "Chorley and South Ribble Councils have appointed a dedicated Domestic Abuse coordinator",
                "Apply for and obtain funding to support change",
                "Delivery of bystander training and personal safety training",
            ),
            commitments=(
                "Work in partnership with statutory and voluntary organisations",
                "Provide a safe environment for people to disclose in our organisations",
                "Promote awareness campaigns",
                "Continue to contribute towards specialist services",
                "Provide annual multi-agency domestic abuse awareness training",
                "Have organisational employee domestic abuse policies",
                "Continue to actively participate in the White Ribbon Campaign",
                "Regularly promote referral pathways to specialist service providers for both victims and perpetrators",
                "Attend, contribute and review with Multi Agency Risk Assessment Conference and executive meetings, "
                "committing resources that lead to operational targeted change",
                "Engage with secondary and college age youths to educate on violence against women and girls",
                "Engage with organisations such as YES! Matters, WISH and Key for specialist advice and training",
                "Promote a trauma informed approach to interventions recognising the impact of domestic abuse on "
                "victims and young people in the context of providing health support",
            ),
        ),
        PrioritySpec(
            "Road safety and vehicle crime",
            why=(
                "Road safety is making a safer place to walk, ride or drive by reducing road casualties through the "
                "management of speed, speed enforcement, driver education and training and collaborative approaches "
                "to education, awareness and engagement. In the Lancashire-12 area there were 2,068 reported road "
                "traffic collisions during 2021: 32 people were killed and 717 seriously injured.\n\n"
                "Vehicle offences have increased in both Chorley and South Ribble. MADE (Multi Agency Data Exchange) "
                "figures for the years ending March 2022 and March 2023 show South Ribble increasing 18% (from 255 to "
                "302) and Chorley increasing 61% (from 234 to 378)."
            ),
            owner="Lancashire Road Safety Partnership",
            supports="Road safety",
            evidence=("Road Safety",),
            outcomes=(
                "Members of the public to feel safe when using the roads",
                "Promote information and advice on how to stay safe on the roads",
                "See a continued reduction in the number of road traffic collision casualties",
                "To reduce vehicle crime, high impact acquisitive crime and dangerous driving",
            ),
            current_work=(
                "Install Speed Indicator Devices (SpIDs)",
                "Facilitate multi-agency action days",
                "Promote educational campaigns",
                "Inform communities",
                "Road safety talks to all year 6 schools, education packages for high schools and education sessions "
                "for motorbike riders",
                "Addressing road safety concerns through partnership working",
                "Awareness campaigns",
                "Alive to Drive campaign",
                "Operation Propulsion",
                "Operation Seizure",
            ),
            commitments=(
                "Review and install SpIDs according to district data and emerging trends",
                "Neighbourhood Policing to complement response deployments ensuring target hardening, crime prevention "
                "and visits to neighbours",
                "Task force and tac-ops interoperable working",
                "Facilitate multi-agency road safety and vehicle compliance action days",
                "Continue to support educational and awareness campaigns including Road Safe, Wasted Lives and Winter "
                "Safe",
                "Drink driver targeting and organised crime groups car usage targeting",
                "Interdepartmental and partner working through GENGA and officer working groups",
                "Strengthen links between the CSP and the Child Death Overview Panel (CDOP) public health approach to "
                "reviewing child deaths, prevention and modifiable factors",
            ),
        ),
    ),
)

PLANS = [LANCASHIRE_CSA, LANCASTER_PLAN, CSR_PLAN]


def _plan(ctx: DemoContext, spec: PlanSpec) -> Plan:
    partnership = ctx.partnership(spec.partnership)
    assessment = None
    if spec.assessment_period:
        slug, first_year = spec.assessment_period
        assessment = (
            StrategicAssessment.objects.filter(
                partnership__slug=slug, period_start_year=first_year, authority__isnull=True
            )
            .order_by("pk")
            .first()
        )
    values = {
        "title": spec.title,
        "period_start": spec.period[0],
        "period_end": spec.period[1],
        "status": spec.status,
        "summary": spec.summary,
        "related_strategies": "\n".join(spec.related),
        "assessment": assessment,
    }
    plan = Plan.objects.filter(partnership=partnership, title=spec.title).first()
    if plan is None:
        return services.create_plan(actor=None, partnership=partnership, **values)
    services.update_plan(plan, actor=None, **values)
    return plan


def _priority(plan: Plan, spec: PrioritySpec, order: int, county: dict[str, Priority]) -> Priority:
    agency = Agency.objects.get(name=spec.lead_agency) if spec.lead_agency else None
    fields = {
        "title": spec.title,
        "status": Priority.Status.ACTIVE,
        "why": spec.why,
        "lead_role": spec.lead_role,
        "lead_agency": agency,
        "owner": spec.owner,
    }
    supports = county[spec.supports] if spec.supports else None
    factors = list(ContributoryFactor.objects.filter(name__in=spec.factors))
    threats = []
    if plan.assessment_id and spec.evidence:
        threats = list(Threat.objects.filter(assessment=plan.assessment, name__in=spec.evidence))
    priority = Priority.all_objects.filter(plan=plan, title=spec.title).first()
    if priority is None:
        priority = services.create_priority(plan, actor=None, fields=fields, supports=supports)
    else:
        priority.plan = plan
        if priority.is_archived:  # loading the demo again puts its plan back as it was
            services.restore_priority(priority, actor=None)
        services.update_priority(priority, actor=None, fields=fields, supports=supports)
    services.sync_points(Outcome, priority, list(spec.outcomes), actor=None)
    services.sync_points(CurrentWork, priority, list(spec.current_work), actor=None)
    services.sync_points(Commitment, priority, list(spec.commitments), actor=None)
    services.sync_links(priority, PriorityFactor, "factor", factors, None)
    services.sync_links(priority, PriorityEvidence, "threat", threats, None)
    if priority.order != order:
        priority.order = order
        writes.save(priority, actor=None, update_fields=["order"])
    return priority


@demo_step(order=600)
def plans(ctx: DemoContext) -> None:
    """The three seed plans with their priorities; district priorities linked to the county agreement."""
    services.ensure_default_factors()
    county: dict[str, Priority] = {}
    counts = []
    supporting = 0
    for spec in PLANS:
        plan = _plan(ctx, spec)
        for order, priority_spec in enumerate(spec.priorities, start=1):
            priority = _priority(plan, priority_spec, order, county)
            if spec.partnership == "lancashire":
                county[priority.title] = priority
            supporting += priority_spec.supports is not None
        counts.append(f"{plan.title} ({len(spec.priorities)} priorities)")
    ctx.report(f"Plans: {'; '.join(counts)}. District priorities supporting a county priority: {supporting}.")
