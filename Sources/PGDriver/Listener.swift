import CLibPQ
import Foundation
import Synchronization

/// A notification sent with NOTIFY or pg_notify.
public struct PGNotification: Sendable, Equatable {
    public let channel: String
    public let payload: String
    public init(channel: String, payload: String) {
        self.channel = channel
        self.payload = payload
    }
}

/// LISTENs on channels over a dedicated connection on a thread of its own. When the connection
/// breaks (the server restarted, say) it reconnects with back-off and LISTENs again; notifications
/// sent while it was disconnected are lost, as PostgreSQL does not keep them, so a consumer should
/// re-read state after `reconnected` events.
public final class PGListener: Sendable {
    public enum Event: Sendable, Equatable {
        case notification(PGNotification)
        /// Listening (again) after a connection was made; the first connection reports this too.
        case listening
    }

    public let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let stopped = Atomic<Bool>(false)
    private let finished = Mutex<[CheckedContinuation<Void, Never>]?>([])

    /// Starts listening at once on `channels` (plain identifiers).
    public init(_ config: PGConfig, channels: [String]) throws(PGError) {
        for channel in channels where !PGListener.isIdentifier(channel) {
            throw PGError(.client, "a channel name must be letters, digits and underscores, starting with a letter")
        }
        (events, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(10_000))
        let thread = Thread { [self] in self.run(config, channels) }
        thread.name = "pg-listen"
        thread.start()
    }

    /// Stops listening, closes the connection and ends `events`.
    public func stop() async {
        stopped.store(true, ordering: .releasing)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let alreadyFinished = finished.withLock { waiters -> Bool in
                guard waiters != nil else { return true }
                waiters!.append(done)
                return false
            }
            if alreadyFinished { done.resume() }
        }
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.properties.isAlphabetic, s.count <= 63 else { return false }
        return s.unicodeScalars.allSatisfy {
            $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0))
        }
    }

    private var isStopped: Bool { stopped.load(ordering: .acquiring) }

    private func run(_ config: PGConfig, _ channels: [String]) {
        var backoff = 0.05
        while !isStopped {
            if let connection = try? PGConnection(config),
                (try? connection.execute(channels.map { "LISTEN \($0)" }.joined(separator: "; "))) != nil
            {
                backoff = 0.05
                continuation.yield(.listening)
                listen(on: connection)
            } else {
                Thread.sleep(forTimeInterval: backoff)
                backoff = min(backoff * 2, 2)
            }
        }
        continuation.finish()
        let waiters = finished.withLock { w -> [CheckedContinuation<Void, Never>] in
            defer { w = nil }
            return w ?? []
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits on the socket (waking every 200 ms to notice `stop`) until the connection breaks.
    private func listen(on connection: PGConnection) {
        let pg = connection.pg
        let fd = PQsocket(pg)
        while !isStopped {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, 200)
            if ready < 0 && errno != EINTR { return }
            if ready <= 0 { continue }
            if PQconsumeInput(pg) == 0 || PQstatus(pg) != CONNECTION_OK { return }
            while let n = PQnotifies(pg) {
                let channel = String(cString: n.pointee.relname)
                let payload = String(cString: n.pointee.extra)
                PQfreemem(n)
                continuation.yield(.notification(PGNotification(channel: channel, payload: payload)))
            }
        }
    }
}

extension PGConnection {
    /// Sends a notification; delivered to listeners when the current transaction commits.
    public func notify(_ channel: String, payload: String = "") throws(PGError) {
        try query("SELECT pg_notify($1, $2)", [channel, payload])
    }
}
