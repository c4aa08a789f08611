import APStore
import APWire
import Foundation
import Logging
import PGDriver
import ServiceLifecycle
import Synchronization

/// A service process's one LISTEN connection for alert events, fanned out to the streams open in it. A
/// notification only says which premises changed: the hub reads that premises' new events from the table once,
/// and hands them to every stream of the premises. After a reconnection (the database restarted) it reads every
/// open premises' events since the last it saw, so that nothing sent meanwhile is lost. Streams skip what they
/// have already sent, so an event is delivered exactly once whatever the overlap.
final class AlertHub: Service, Sendable {
    enum Item: Sendable {
        case event(AlertEvent)
        /// Time to tell an idle client (and any proxy between) that the stream is alive.
        case heartbeat
    }

    struct Subscriber {
        var premisesId: UUID
        var continuation: AsyncStream<Item>.Continuation
    }

    struct State {
        var subscribers: [Int: Subscriber] = [:]
        var next = 0
        /// Per premises with a stream open: the id of the last event handed out.
        var seen: [UUID: Int64] = [:]
    }

    let pool: PGPool
    let config: PGConfig
    let heartbeat: Duration
    let logger: Logger
    private let state = Mutex(State())

    init(pool: PGPool, heartbeat: Duration = .seconds(15), logger: Logger = Logger(label: "ap.alert-stream")) {
        self.pool = pool
        self.config = pool.config
        self.heartbeat = heartbeat
        self.logger = logger
    }

    /// A stream of `premisesId`'s events from now on, which the caller reads until it ends it with `leave`.
    /// `after` is the id the caller starts after: the hub begins there if no stream of the premises is open.
    func join(_ premisesId: UUID, after: Int64) -> (Int, AsyncStream<Item>) {
        let (stream, continuation) = AsyncStream.makeStream(of: Item.self, bufferingPolicy: .bufferingNewest(1_000))
        let token = state.withLock { s in
            s.next += 1
            s.subscribers[s.next] = Subscriber(premisesId: premisesId, continuation: continuation)
            if s.seen[premisesId] == nil { s.seen[premisesId] = after }
            return s.next
        }
        return (token, stream)
    }

    func leave(_ token: Int) {
        state.withLock { s in
            guard let gone = s.subscribers.removeValue(forKey: token) else { return }
            gone.continuation.finish()
            if !s.subscribers.values.contains(where: { $0.premisesId == gone.premisesId }) {
                s.seen[gone.premisesId] = nil
            }
        }
    }

    var openStreams: Int { state.withLock { $0.subscribers.count } }

    func run() async throws {
        let listener = try PGListener(config, channels: [AlertEventStore.channel])
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in listener.events {
                        switch event {
                        case .listening:
                            // Connected (again): whatever was announced while disconnected is read now.
                            await self.refresh(self.state.withLock { Array($0.seen.keys) })
                        case .notification(let n):
                            if let id = UUID(uuidString: n.payload) { await self.refresh([id]) }
                        }
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        do { try await Task.sleep(for: self.heartbeat) } catch { return }
                        self.state.withLock { s in
                            for sub in s.subscribers.values { sub.continuation.yield(.heartbeat) }
                        }
                    }
                }
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            Task { await listener.stop() }
            self.state.withLock { s in
                for sub in s.subscribers.values { sub.continuation.finish() }
                s.subscribers = [:]
            }
        }
    }

    /// Reads each premises' events since the last handed out, and hands them to its streams.
    func refresh(_ premises: [UUID]) async {
        for premisesId in premises {
            guard let after = state.withLock({ $0.seen[premisesId] }) else { continue }
            do {
                // Page by page, so that a burst of more than a page's events is handed out whole.
                let events = try await pool.withConnection { c in
                    var events: [AlertEvent] = []
                    while true {
                        let page = try AlertEventStore.eventsForFanOut(
                            c, premisesId: premisesId, after: events.last?.id ?? after)
                        events += page
                        if page.count < AlertEventStore.pageSize { return events }
                    }
                }
                guard let last = events.last else { continue }
                state.withLock { s in
                    guard let seen = s.seen[premisesId] else { return }
                    s.seen[premisesId] = max(seen, last.id)
                    for sub in s.subscribers.values where sub.premisesId == premisesId {
                        for e in events where e.id > seen { sub.continuation.yield(.event(e)) }
                    }
                }
            } catch {
                // The next notification, or the reconnection, reads them again: nothing is marked seen.
                logger.warning("could not read alert events", metadata: ["error": "\(error)"])
            }
        }
    }
}
