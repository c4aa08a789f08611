import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A client of a Server-Sent Events stream (the service's live alerts), over URLSession: each event as it
/// arrives. One connection; reconnecting, with its back-off, is the caller's (it knows the last id it kept).
public final class EventStream: NSObject, URLSessionDataDelegate, @unchecked Sendable {  // state: `lock`
    public struct Event: Sendable, Equatable {
        public var name: String
        public var id: String?
        public var data: String
    }

    public enum Item: Sendable {
        /// The stream is open (HTTP 200 with text/event-stream).
        case open
        case event(Event)
        /// The service refused it: the status and the problem it sent.
        case refused(status: Int, body: Data)
        /// The connection ended (the service went away, or it was stopped).
        case closed
    }

    public let items: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation
    private let lock = NSLock()
    private var buffer = Data()
    private var status = 0
    private var refusal = Data()
    private var fields: (name: String, id: String?, data: [String]) = ("message", nil, [])
    private var session: URLSession?
    private var task: URLSessionDataTask?

    /// Opens `path` on the service at `baseURL` with the token, resuming after `lastEventId` when given. An idle
    /// connection is given up after `idle` seconds (the service sends a heartbeat every 15).
    public init(baseURL: URL, token: String?, path: String, lastEventId: String? = nil, idle: TimeInterval = 45) {
        (items, continuation) = AsyncStream.makeStream(of: Item.self)
        super.init()
        var request = URLRequest(url: baseURL.appendingPathComponent(path), timeoutInterval: idle)
        request.setValue("text/event-stream", forHTTPHeaderField: "Accept")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let lastEventId { request.setValue(lastEventId, forHTTPHeaderField: "Last-Event-ID") }
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: queue)
        self.session = session
        task = session.dataTask(with: request)
        task?.resume()
    }

    /// Closes the connection; `items` ends.
    public func cancel() {
        lock.withLock { task }?.cancel()
    }

    public func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        lock.withLock { self.status = status }
        if status == 200 { continuation.yield(.open) }
        completionHandler(.allow)
    }

    public func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let events: [Event] = lock.withLock {
            if status != 200 {
                refusal.append(data)
                return []
            }
            buffer.append(data)
            return parse()
        }
        for e in events { continuation.yield(.event(e)) }
    }

    public func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (status, body) = lock.withLock { (self.status, refusal) }
        if status != 200 && status != 0 { continuation.yield(.refused(status: status, body: body)) }
        continuation.yield(.closed)
        continuation.finish()
        session.finishTasksAndInvalidate()
    }

    /// The complete lines in `buffer`, as events (called with `lock` held).
    private func parse() -> [Event] {
        var events: [Event] = []
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            var line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
            buffer.removeSubrange(buffer.startIndex...newline)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty {
                if !fields.data.isEmpty {
                    events.append(Event(name: fields.name, id: fields.id, data: fields.data.joined(separator: "\n")))
                }
                fields = ("message", fields.id, [])
                continue
            }
            if line.hasPrefix(":") { continue }  // a comment: the heartbeat
            let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let field = String(parts[0])
            var value = parts.count > 1 ? String(parts[1]) : ""
            if value.hasPrefix(" ") { value.removeFirst() }
            switch field {
            case "event": fields.name = value
            case "id": fields.id = value
            case "data": fields.data.append(value)
            default: break
            }
        }
        return events
    }
}
