"""Command line: verify one signed artefact of the platform offline.

    python -m verifier --jwks jwks.json [--trust-list tl.txt] [--status-lists lists.txt] 'DL1:...'

The artefact is a QR payload (DL1:, VL1:, DC1:), a verification receipt (VR2:, VR1:), a status
list, the trust list (TL1:) or an audit tree head (TH1:); the JWKS gives the document and audit
keys. `lists.txt` holds one signed status list per line (for the status of a QR payload). Prints
the answer as JSON and exits 0 on ACCEPT, 1 on REJECT, 2 on INCONCLUSIVE, 3 when the JWKS, the
trust list or a status list cannot be read, and 64 (EX_USAGE) on a usage error (a missing or
unknown option: argparse's own 2 would read as INCONCLUSIVE).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from typing import NoReturn

from verifier.verify import TrustStore, Verifier, VerifierError

EXIT_USAGE = 64  # sysexits.h EX_USAGE: distinct from the verdicts' 0, 1, 2 and 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _epoch(text: str) -> float:
    """An argparse type: a finite number of epoch seconds (nan and inf are usage errors)."""
    value = float(text)
    if not math.isfinite(value) or not 0 <= value < 2**53:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time in epoch seconds")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m verifier", description=__doc__.splitlines()[0])
    parser.add_argument("--jwks", required=True, help="JWKS file (/.well-known/jwks.json)")
    parser.add_argument("--trust-list", help="signed trust list (TL1:...) to update the keys with")
    parser.add_argument("--status-lists", help="file with one signed status list per line")
    parser.add_argument("--now", type=_epoch, help="epoch seconds (default: now)")
    parser.add_argument("payload", help="the signed text, exactly as issued (quote it)")
    args = parser.parse_args(argv)
    try:
        with open(args.jwks, encoding="utf-8") as fh:
            store = TrustStore.from_jwks(fh.read())
        if args.trust_list:
            with open(args.trust_list, encoding="utf-8") as fh:
                store.update_from_trust_list(fh.read().strip())
        verifier = Verifier(store)
        if args.status_lists:
            with open(args.status_lists, encoding="utf-8") as fh:
                for line in fh.read().split("\n"):
                    if line.strip():
                        verifier.add_status_list(line.strip("\r"))
    except (OSError, UnicodeDecodeError, VerifierError) as exc:  # a file not UTF-8 is unreadable
        print(json.dumps({"error": str(exc)}))
        return 3
    answer = verifier.verify(args.payload, now=args.now if args.now is not None else time.time())
    print(
        json.dumps(
            {
                "verdict": answer.verdict,
                "kind": answer.kind,
                "reasons": answer.reasons,
                "established": answer.established,
                "claims": answer.claims,
            },
            ensure_ascii=False,
        )
    )
    return {"ACCEPT": 0, "REJECT": 1}.get(answer.verdict, 2)


if __name__ == "__main__":
    sys.exit(main())
