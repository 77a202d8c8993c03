import time
from collections import defaultdict
from typing import Any

from tests.security import test_permission_matrix as m

TIMES: dict = defaultdict(float)


def test_timing(
    settings: Any,
    campaign: Any,
    unit_x: Any,
    unit_y: Any,
    org_b: Any,
    applicant_a: Any,
    applicant_b: Any,
    unit_x_admin: Any,
    unit_y_admin: Any,
    staff: Any,
    guide: Any,
    draft_a: Any,
) -> None:
    settings.REQUIRE_TWO_FACTOR = True
    fx = {k: v for k, v in locals().items()}
    t = time.perf_counter()
    users, ids = m.build_world(fx)
    print("world", time.perf_counter() - t)
    t = time.perf_counter()
    clients = {p: m.client_for(p, users) for p in m.PERSONAS}
    print("clients", time.perf_counter() - t)
    orig_page, orig_api = m.request_page, m.request_api
    cur = {}

    def rp(client, method, url):
        t = time.perf_counter()
        r = orig_page(client, method, url)
        TIMES[url + " " + method] += time.perf_counter() - t
        return r

    def ra(client, method, url, body, ids):
        t = time.perf_counter()
        r = orig_api(client, method, url, body, ids)
        TIMES[url + " " + method] += time.perf_counter() - t
        return r

    m.request_page, m.request_api = rp, ra
    routes = m.all_url_patterns()
    ops = m.api_operations(clients[m.ANON])
    tally = m.Tally()
    t = time.perf_counter()
    m.check_pages(routes, clients, users, ids, tally)
    print("pages", time.perf_counter() - t)
    t = time.perf_counter()
    m.check_operations(ops, clients, ids, tally)
    print("ops", time.perf_counter() - t)
    t = time.perf_counter()
    m.check_second_factor_gate(routes, ops, users, ids, tally)
    print("gate", time.perf_counter() - t)
    t = time.perf_counter()
    m.fingerprint()
    print("fp", time.perf_counter() - t)
    for k, v in sorted(TIMES.items(), key=lambda kv: -kv[1])[:25]:
        print(f"{v:.3f} {k}")
    print("total", sum(TIMES.values()), len(TIMES))
