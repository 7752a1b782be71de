"""A review's recommendations with their state, for its case file's page:
``{% review_recommendations review as rows %}`` reads them in three queries."""

from django import template

from .. import recommendation_queries

register = template.Library()


@register.simple_tag
def review_recommendations(review):
    return recommendation_queries.review_rows(review)
