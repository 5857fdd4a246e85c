"""Task queues: Temporal is the broker, and each service serves its activities on its own."""

WORKFLOWS = "mip-workflows"
APPLICATIONS = "mip-applications"
OFFERS = "mip-offers"
EXPENSES = "mip-expenses"
NOTIFICATIONS = "mip-notifications"

SERVICE_QUEUES: dict[str, str] = {
    "applications": APPLICATIONS,
    "offers": OFFERS,
    "expenses": EXPENSES,
    "notifications": NOTIFICATIONS,
}
