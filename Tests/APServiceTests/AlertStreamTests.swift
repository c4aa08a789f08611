import APClient
import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver
import PGMigrations
import ServiceHarness
import Synchronization
import TestDatabase
import Testing

/// Issue 19: the live alert stream, in process. (The service killed, the database restarted, two service
/// processes and `ap alerts --follow` are in APCLITests' LiveAlertTests.)
@Suite struct AlertStreamTests {
    /// Reads a stream's items in order, each within `seconds`: a task keeps what arrives, `next` takes it.
    final class Reader: Sendable {
        let stream: EventStream
        let received = Mutex<[EventStream.Item]>([])

        init(_ h: Harness, token: String, premises: UUID, lastEventId: String? = nil) {
            stream = EventStream(
                baseURL: h.url, token: token, path: "api/v1/premises/\(premises)/alerts/stream",
                lastEventId: lastEventId)
            let items = stream.items
            Task { [self] in for await item in items { self.received.withLock { $0.append(item) } } }
        }

        /// The next item, or nil if none came within `seconds`.
        func next(within seconds: Double = 10) async -> EventStream.Item? {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if let item = received.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { return item }
                try? await Task.sleep(for: .milliseconds(10))
            }
            return nil
        }

        /// The next event (skipping `open`), decoded as the API's JSON.
        func event(within seconds: Double = 10) async throws -> (EventStream.Event, AlertEvent?)? {
            while let item = await next(within: seconds) {
                switch item {
                case .open: continue
                case .event(let e):
                    let decoded =
                        e.name == "ready" ? nil : try APIJSON.decoder.decode(AlertEvent.self, from: Data(e.data.utf8))
                    return (e, decoded)
                case .refused, .closed: return nil
                }
            }
            return nil
        }
    }

    @Test func raisedAcknowledgedResolvedAndResumedExactlyOnce() async throws {
        try await Harness.with { h in
            let reader = Reader(h, token: h.tokens.staff, premises: h.home)
            let ready = try #require(try await reader.event())
            #expect(ready.0.name == "ready")
            let readyBody = try APIJSON.decoder.decode(AlertStreamReady.self, from: Data(ready.0.data.utf8))
            #expect(readyBody.premisesId == h.home && ready.0.id == "\(readyBody.lastEventId)")

            let alert = try await h.raiseAlert(at: h.home, daysAgo: 300)
            let started = Date()  // committed: raise has returned
            let raised = try #require(try await reader.event())
            #expect(raised.1?.kind == .raised && raised.1?.alert.id == alert)
            #expect(Date().timeIntervalSince(started) < 2)

            let _: Alert = try await h.staff.post(
                "api/v1/alerts/\(alert)/acknowledge", ["outcome": "recording_error", "note": "test"])
            let acknowledged = try #require(try await reader.event())
            #expect(acknowledged.1?.kind == .acknowledged && acknowledged.1?.alert.acknowledgements.count == 1)
            try await h.db { c in
                try AlertStore.resolve(c, actor: .worker(), alertId: alert, reason: "a test resolves it")
            }
            let resolved = try #require(try await reader.event())
            #expect(resolved.1?.kind == .resolved && resolved.1?.alert.resolvedReason == "a test resolves it")
            // Another premises' alert never reaches this premises' stream.
            _ = try await h.raiseAlert(at: h.other, daysAgo: 301)
            #expect(try await reader.event(within: 1) == nil)
            reader.stream.cancel()

            // Resuming after the raise: the acknowledgement and the resolution again, each once, then nothing.
            let resumed = Reader(h, token: h.tokens.staff, premises: h.home, lastEventId: raised.0.id)
            #expect(try await resumed.event()?.0.name == "ready")
            let again = [try await resumed.event(), try await resumed.event()].compactMap { $0?.1 }
            #expect(
                again.map(\.kind) == [.acknowledged, .resolved]
                    && again.map(\.id) == [acknowledged.1!.id, resolved.1!.id])
            #expect(try await resumed.event(within: 1) == nil)
            resumed.stream.cancel()

            // Opening a stream is in the audit trail.
            let opened: Int = try await h.db { c in
                try c.query(
                    "SELECT count(*) AS n FROM audit_log WHERE table_name = 'alert_stream' AND action = 'read'"
                )[0].decode("n")
            }
            #expect(opened == 2)
        }
    }

    /// The database restarted under an open stream: the hub's listener reconnects and reads what was announced
    /// while it was away; the client gets every alert once, and no error.
    @Test func theDatabaseRestartsUnderAnOpenStream() async throws {
        let cluster = try ScratchCluster()
        defer { cluster.destroy() }
        try await TestDatabase.withConnection(cluster.config) { c in
            _ = try Migrator(directory: TestDatabase.sqlDirectory).migrate(c)
        }
        try await Harness.run(
            cluster.config, pool: .init(maxConnections: 4, acquireTimeout: .seconds(5)), clock: Date.init
        ) { h in
            let reader = Reader(h, token: h.tokens.staff, premises: h.home)
            #expect(try await reader.event()?.0.name == "ready")
            let before = try await h.raiseAlert(at: h.home, daysAgo: 500)
            #expect(try await reader.event()?.1?.alert.id == before)

            try cluster.run("restart")
            // At once, while the listener may still be reconnecting: its notification may be lost, not the alert.
            var after: UUID?
            for _ in 0..<100 where after == nil {
                after = try? await h.raiseAlert(at: h.home, daysAgo: 501)
                if after == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            let heard = try await reader.event(within: 10)
            #expect(heard?.1?.kind == .raised && heard?.1?.alert.id == after)
            let third = try await h.raiseAlert(at: h.home, daysAgo: 502)
            #expect(try await reader.event()?.1?.alert.id == third)
            #expect(try await reader.event(within: 1) == nil, "nothing twice")
            reader.stream.cancel()
        }
    }

    @Test func anotherPremisesStreamIsRefused() async throws {
        try await Harness.with { h in
            for (token, premises) in [(h.tokens.otherStaff, h.home), (h.tokens.staff, h.other)] {
                let reader = Reader(h, token: token, premises: premises)
                guard case .refused(let status, let body)? = await reader.next() else {
                    Issue.record("not refused")
                    continue
                }
                #expect(status == 403)
                let problem = try APIJSON.decoder.decode(APIProblem.self, from: body)
                #expect(problem.status == 403)
            }
            let bad = Reader(h, token: h.tokens.staff, premises: h.home, lastEventId: "yesterday")
            guard case .refused(let status, _)? = await bad.next() else {
                Issue.record("a bad Last-Event-ID was not refused")
                return
            }
            #expect(status == 400)
        }
    }
}
