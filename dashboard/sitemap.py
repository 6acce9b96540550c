"""The pages of the dashboard, in order: file, title, icon, URL path, section and the question each answers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    file: str  # relative to dashboard/app.py
    title: str
    icon: str
    url_path: str
    section: str
    question: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("app_pages/overview.py", "Overview", ":material/home:", "overview", "Explore",
             "What does the network hold, and how fresh is it?"),
    PageSpec("app_pages/coverage.py", "Coverage map", ":material/public:", "coverage", "Explore",
             "Where do members ask for help that nobody gives?"),
    PageSpec("app_pages/gaps.py", "Gaps", ":material/report:", "gaps", "Explore",
             "Which gaps matter most, who could fill them, and what if a partner withdrew?"),
    PageSpec("app_pages/network.py", "Network explorer", ":material/hub:", "network", "Explore",
             "Who is connected to whom?"),
    PageSpec("app_pages/brokers.py", "Brokers", ":material/conversion_path:", "brokers", "Act",
             "Who bridges separate communities, and where would the network break?"),
    PageSpec("app_pages/partners.py", "Partner finder", ":material/handshake:", "partners", "Act",
             "Who could work with us on a theme in these countries?"),
    PageSpec("app_pages/coalition.py", "Coalition builder", ":material/groups:", "coalition", "Act",
             "Which few organisations would together close the most gaps?"),
    PageSpec("app_pages/screening.py", "Partnership screening", ":material/fact_check:", "screening", "Act",
             "Which consortia and networks meet the partnership criteria on a theme, and who could fund them?"),
    PageSpec("app_pages/reports.py", "Reports", ":material/description:", "reports", "Export and explain",
             "Can I take the gap report away as Excel, HTML or CSV?"),
    PageSpec("app_pages/methods.py", "How scores work", ":material/calculate:", "methods", "Export and explain",
             "What does each score mean?"),
)
