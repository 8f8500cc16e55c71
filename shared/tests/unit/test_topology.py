from ektp_shared.bus.topology import Topology


def topology() -> Topology:
    return Topology("ektp", "notify", ("b.v1", "a.v1"), (1, 5), 4)


def test_each_service_has_a_quorum_queue_retry_queues_and_a_parking_lot():
    queues = {q.name: q for q in topology().queues()}
    assert list(queues) == ["ektp.notify", "ektp.notify.retry.1s", "ektp.notify.retry.5s", "ektp.notify.parking"]
    assert all(q.arguments["x-queue-type"] == "quorum" for q in queues.values())
    main = queues["ektp.notify"]
    assert main.routing_keys == ("a.v1", "b.v1") and main.exchange == "ektp.events"
    assert main.arguments["x-delivery-limit"] == 4
    assert main.arguments["x-dead-letter-routing-key"] == "ektp.notify.parking", "crash loops end in the parking lot"
    retry = queues["ektp.notify.retry.5s"]
    assert retry.arguments["x-message-ttl"] == 5000 and retry.arguments["x-dead-letter-routing-key"] == "ektp.notify"


def test_failures_walk_the_retry_delays_then_park():
    steps = [topology().next_step(n) for n in range(3)]
    assert steps == [("ektp.notify.retry.1s", 1), ("ektp.notify.retry.5s", 5), ("ektp.notify.parking", None)]
