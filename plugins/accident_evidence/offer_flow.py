"""The declared state machine of an evidence item's offer (十二-四): the officer ticks it and
submits it (after checking the case's evidence is complete), the accident-unit head approves or
rejects it; a rejected item may be submitted again. Moves go through `core.workflow.move`
(one conditional UPDATE each). The requesters are told once per review of the case
(`accident_evidence.available`, service.review_offer), not per item, so the transitions carry
no notice of their own."""

from __future__ import annotations

from core.workflow import Party, Transition, Workflow

from .rules import MEASURE, OfferStatus

N, P, A, R = (s.value for s in OfferStatus)

FLOW = Workflow(
    f"{MEASURE}.offer",
    MEASURE,
    states=(N, P, A, R),
    initial=(N,),
    final=(A,),
    transitions=(
        Transition("submit", (N, R), P, (Party.OFFICE,)),  # 勾选, 提交负责人审核
        Transition("approve", (P,), A, (Party.OFFICE,)),  # 负责人审核通过
        Transition("reject", (P,), R, (Party.OFFICE,)),  # 负责人不予通过 (with a note)
    ),
)
