"""Licence-status monitoring with the holder's consent, pushed to partners as signed webhooks.

A holder grants a partner firm (an insurer, a car-rental firm, an employer) the right to be told
when their driving licence's status changes, for a purpose and a period no longer than the
partner's monitoring registration allows. A scheduled scan compares each active grant's licence
with what was last told and queues one webhook per change in the outbox (in the same transaction
as the new state and the audit event naming the holder); the webhook job delivers them signed as
the Standard Webhooks specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature`,
HMAC-SHA256 with the partner's `whsec_` secret), retried with backoff while the partner's endpoint
is down. A revoked or expired grant, or a suspended partner, stops deliveries at once: what is
still queued is cancelled at its next attempt.

    models.py     registrations (per partner: maximum period, endpoint, secret) and grants
    rules.py      events, what a licence's state is, what each event discloses, error codes
    service.py    grant, revoke, register, set the endpoint; the scan that queues deliveries
    webhooks.py   the payload, the signed delivery (standardwebhooks), the delivery job
    api.py        the GraphQL operations

Docs: docs/partners.md "Licence monitoring and webhooks".
"""
