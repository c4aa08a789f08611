import APWire
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The service could not be reached, or answered with something that is not the API.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

/// A client of the service's HTTP JSON API, over Foundation's URLSession (libcurl on Linux).
public struct APIClient: Sendable {
    public let baseURL: URL
    public let token: String?
    let session: URLSession

    /// One request and its answer, as `observer` sees it.
    public struct Exchange: Sendable {
        public var method: String
        /// The path from the service's root, with its query.
        public var path: String
        public var query: [String: String]
        public var reply: Reply
    }

    /// Sees every exchange: the tests check each answer against openapi.yaml. Nil in `ap`.
    public var observer: (@Sendable (Exchange) -> Void)?

    public init(baseURL: URL, token: String?, timeout: TimeInterval = 15) {
        self.baseURL = baseURL
        self.token = token
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.httpMaximumConnectionsPerHost = 8
        self.session = URLSession(configuration: configuration)
    }

    /// A raw exchange: the status, headers and body, whatever the status.
    public struct Reply: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data
        public func header(_ name: String) -> String? {
            headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    public func send(
        _ method: String, _ path: String, query: [String: String] = [:], body: Data? = nil,
        headers: [String: String] = [:]
    ) async throws -> Reply {
        guard var components = URLComponents(url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)
        else {
            throw TransportError(description: "the service URL is not a URL: check AP_URL")
        }
        if !query.isEmpty {
            components.queryItems = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        }
        var request = URLRequest(url: components.url!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response): (Data, URLResponse)
        do { (data, response) = try await session.data(for: request) } catch {
            throw TransportError(
                description:
                    "cannot reach the service at \(baseURL.absoluteString): is it running? "
                    + "(\(error.localizedDescription))"
            )
        }
        guard let http = response as? HTTPURLResponse else {
            throw TransportError(description: "the answer was not HTTP")
        }
        var fields: [String: String] = [:]
        for (k, v) in http.allHeaderFields { if let k = k as? String, let v = v as? String { fields[k] = v } }
        let reply = Reply(status: http.statusCode, headers: fields, body: data)
        // Where the answer came from: a redirect followed ends elsewhere than it began.
        let answered = http.url.flatMap { URLComponents(url: $0, resolvingAgainstBaseURL: false) }
        observer?(
            Exchange(
                method: http.url == components.url ? method : "GET", path: answered?.path ?? components.path,
                query: Dictionary((answered?.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { $1 }, reply: reply))
        return reply
    }

    /// Sends `body` (when given) as JSON and decodes a 2xx answer as `T`; any other answer is thrown as
    /// the service's problem.
    public func call<T: Decodable>(
        _ method: String, _ path: String, query: [String: String] = [:], body: (any Encodable)? = nil,
        as type: T.Type = T.self
    ) async throws -> T {
        let reply = try await send(method, path, query: query, body: try body.map { try APIJSON.encoder.encode($0) })
        try Self.check(reply)
        do { return try APIJSON.decoder.decode(T.self, from: reply.body) } catch {
            throw TransportError(
                description: "the service's answer could not be read (\(reply.status)): is AP_URL the service?")
        }
    }

    /// Like `call`, for answers with no body (204).
    public func perform(_ method: String, _ path: String, body: (any Encodable)? = nil) async throws {
        try Self.check(try await send(method, path, body: try body.map { try APIJSON.encoder.encode($0) }))
    }

    /// Throws the service's problem unless the reply is a success.
    public static func check(_ reply: Reply) throws {
        guard (200..<300).contains(reply.status) else {
            if let problem = try? APIJSON.decoder.decode(APIProblem.self, from: reply.body) { throw problem }
            throw TransportError(description: "the service answered \(reply.status) without a problem description")
        }
    }
}
