from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """100 rows a page by default; ?page_size= up to 500. Each answer links to the next page."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
