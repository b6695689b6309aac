"""`{% published_complaint_outcomes organisation %}`: the approved anonymised outcomes of
complaints about an organisation, for its public record page."""

from django import template

from complaints.selectors import complaint_outcomes_published

register = template.Library()


@register.inclusion_tag("complaints/_published_outcomes.html")
def published_complaint_outcomes(organisation) -> dict:
    return {"outcomes": complaint_outcomes_published(organisation)}
