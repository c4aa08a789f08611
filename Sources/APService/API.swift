import APDomain
import APStore
import APWire
import Civil
import Foundation
import Hummingbird
import PGDriver

/// What every route needs: the pool, the clock, and the checks that run before a route touches a
/// record (role, premises) in the same hop to a pool thread as the work itself.
struct API: Sendable {
    let pool: PGPool
    /// Where reports read: a streaming replica when DATABASE_READ_URL is set, otherwise `pool`.
    let reads: PGPool
    let clock: @Sendable () -> Date
    /// Cleared whenever a token or account changes here, so that a revocation takes effect at once.
    let principals: PrincipalCache
    /// The key that signs the sign-in form's CSRF token, read from the database once.
    let formKey = FormKey()
    /// The process's one listener for alert events, fanned out to the live streams.
    let alerts: AlertHub

    /// Runs `body` on a pool connection once the principal's role is one of `access` and, when
    /// `premises` is given, the principal works there (admins and the worker: anywhere it exists).
    /// Everything runs in one transaction as the application role, attributed to the principal (so
    /// that audit rows name them) and limited by row-level security to the premises they work at: a
    /// handler that forgot its check still could not read another premises' rows.
    ///
    /// `references`: the ids a request's body names (a bed, a resident, a key worker), each checked like
    /// the path's record, so that a body cannot reach another premises' records either; a refusal names
    /// the body's field.
    func run<T: Sendable>(
        _ ctx: APRequestContext, _ access: Access, premises: UUID? = nil, scope: (ScopeStore.Kind, UUID)? = nil,
        references: [Reference] = [], replica: Bool = false,
        _ body: @escaping @Sendable (PGConnection, Principal) throws -> T
    ) async throws -> T {
        try await run(
            try ctx.require(access), access, premises: premises, scope: scope, references: references,
            replica: replica, body)
    }

    /// `run` for a principal already known: a signed-in page's session. The pages and the API reach the store
    /// through this one path, with the same checks.
    func run<T: Sendable>(
        _ principal: Principal, _ access: Access, premises: UUID? = nil, scope: (ScopeStore.Kind, UUID)? = nil,
        references: [Reference] = [], replica: Bool = false,
        _ body: @escaping @Sendable (PGConnection, Principal) throws -> T
    ) async throws -> T {
        try access.check(principal)
        return try await (replica ? reads : pool).withConnection { c in
            // The checks run as the owner, which row-level security does not limit, so that another
            // premises' record is told apart from one that does not exist (403, not 404).
            if let premises { try Self.check(c, principal, premises: premises) }
            if let (kind, id) = scope { try Self.check(c, principal, kind, id) }
            for r in references { try Self.check(c, principal, r.kind, r.id, field: r.field) }
            return try c.acting(as: principal.actor) { c in try body(c, principal) }
        }
    }

    /// Like `run`, for a body that is one store call making its own statement as the principal, in one
    /// round trip (`MovementStore.record`, `MovementStore.roll`): the body gets a connection that can only
    /// act as the principal, never the owner's.
    func runStatement<T: Sendable>(
        _ ctx: APRequestContext, _ access: Access, premises: UUID,
        _ body: @escaping @Sendable (ActingConnection) throws -> T
    ) async throws -> T {
        let principal = try ctx.require(access)
        return try await pool.withConnection { c in
            try Self.check(c, principal, premises: premises)
            return try body(c.asActor(principal.actor))
        }
    }

    static func check(_ c: PGConnection, _ p: Principal, premises: UUID) throws {
        if let ids = p.premisesIds {
            guard ids.contains(premises) else { throw Problem.forbiddenPremises(field: "premisesId") }
        } else if try !PremisesStore.exists(c, id: premises) {
            throw Problem.notFound("premises", field: "premisesId")
        }
    }

    static func check(_ c: PGConnection, _ p: Principal, _ kind: ScopeStore.Kind, _ id: UUID, field: String? = nil)
        throws
    {
        guard let owners = try ScopeStore.premises(c, of: kind, id: id) else {
            throw Problem.notFound(Self.name(kind), field: field)
        }
        guard let mine = p.premisesIds else { return }
        // No escape for records that belong to no premises: only those who see all see them.
        guard !owners.isDisjoint(with: mine) else { throw Problem.forbiddenPremises(field: field) }
    }

    /// An id in a request's body, with the field that holds it.
    struct Reference: Sendable {
        let kind: ScopeStore.Kind
        let id: UUID
        let field: String
        init(_ kind: ScopeStore.Kind, _ id: UUID, _ field: String) {
            self.kind = kind
            self.id = id
            self.field = field
        }
    }

    static func name(_ kind: ScopeStore.Kind) -> String {
        switch kind {
        case .outOfServicePeriod: return "out-of-service-period"
        default: return kind.rawValue
        }
    }
}

// MARK: Reading requests

extension Request {
    /// The JSON body as `T`, or a 400/422 naming the field at fault (never quoting what was sent).
    /// The caller's role is checked first: someone who may not call the route learns nothing from
    /// how their body is refused.
    func body<T: Decodable>(_ type: T.Type, _ ctx: APRequestContext, _ access: Access) async throws -> T {
        _ = try ctx.require(access)
        guard let contentType = headers[.contentType]?.lowercased(),
            contentType.hasPrefix("application/json") || contentType.hasPrefix("application/problem+json")
        else {
            throw Problem(
                .unsupportedMediaType, "json-only", "send the body as JSON, with Content-Type: application/json")
        }
        let buffer: ByteBuffer
        do { buffer = try await self.body.collect(upTo: ctx.maxUploadSize) } catch {
            throw Problem(.contentTooLarge, "body-too-large", "the body is too large: send at most 1 MiB")
        }
        if JSONText.controlCharacter(in: buffer.readableBytesView) != nil {
            throw Problem.invalid(
                "control-character",
                "text may not contain control characters (other than tab and new line): remove them")
        }
        if let key = JSONText.repeatedKey(in: buffer.readableBytesView) {
            throw Problem.badRequest(
                "repeated-key", "an object in the body gives \(key ?? "a key") twice: send each field once", field: key)
        }
        return try API.decode(T.self, Data(buffer: buffer), today: Zone.local(ctx.now ?? Date(), in: API.london).date)
    }

    /// A query parameter, when present.
    func query(_ name: String) -> String? {
        uri.queryParameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    func date(_ name: String, default value: LocalDate? = nil) throws -> LocalDate {
        guard let text = query(name) else {
            if let value { return value }
            throw Problem.badRequest("missing-parameter", "give \(name) as YYYY-MM-DD", field: name)
        }
        guard let date = LocalDate(text) else {
            throw Problem.badRequest("bad-date", "\(name) must be a date as YYYY-MM-DD", field: name)
        }
        return date
    }

    func nights(default from: LocalDate, days: Int, max: Int = 400) throws -> Nights {
        let start = try date("from", default: from)
        let end = try date("to", default: start.adding(days: days))
        guard let nights = Nights(from: start, to: end) else {
            throw Problem.invalid(
                "empty-range", "to must be after from (to is the morning after the last night)", field: "to")
        }
        guard nights.count <= max else {
            throw Problem.invalid("range-too-long", "ask for at most \(max) nights at a time", field: "to")
        }
        return nights
    }

    func instant(_ name: String) throws -> Date? {
        guard let text = query(name) else { return nil }
        guard let date = APIJSON.parseInstant(text) else {
            throw Problem.badRequest("bad-instant", "\(name) must be an instant like 2026-11-24T22:15:00Z", field: name)
        }
        return date
    }

    /// A comma-separated list of a fixed vocabulary's values, or a 400 that lists the values.
    func list<T: RawRepresentable & CaseIterable>(_ name: String, of type: T.Type) throws -> [T]
    where T.RawValue == String {
        try (query(name)?.split(separator: ",") ?? []).map { text in
            guard let value = T(rawValue: String(text)) else {
                throw Problem.badRequest(
                    "bad-\(name)",
                    "\(name) is a comma-separated list of: " + T.allCases.map(\.rawValue).joined(separator: ", "),
                    field: name)
            }
            return value
        }
    }

    /// Cuts one page out of a list: `limit` (1 to 500, default 100) and the opaque `cursor` from the previous page.
    func page<Item: Encodable & Sendable>(_ items: [Item]) throws -> Page<Item> {
        var limit = 100
        if let text = query("limit") {
            guard let n = Int(text), (1...500).contains(n) else {
                throw Problem.badRequest("bad-limit", "limit is 1 to 500", field: "limit")
            }
            limit = n
        }
        var start = 0
        if let cursor = query("cursor") {
            guard let n = Int(cursor.dropFirst(2)), cursor.hasPrefix("o:"), n >= 0 else {
                throw Problem.badRequest(
                    "bad-cursor", "cursor must be one a previous page gave as nextCursor", field: "cursor")
            }
            start = min(n, items.count)
        }
        let end = min(start + limit, items.count)
        return Page(items: Array(items[start..<end]), nextCursor: end < items.count ? "o:\(end)" : nil)
    }
}

extension API {
    /// A body as `T`, held to the rules for free text and dates, or a problem naming the field: the API's bodies
    /// and the pages' forms (WebForm turns a form into the same JSON) are read by this one function.
    static func decode<T: Decodable>(_ type: T.Type, _ data: Data, today: LocalDate) throws -> T {
        do {
            let value = try APIJSON.decoder.decode(T.self, from: data)
            try BodyRules.check(value, today: today)
            return value
        } catch let error as DecodingError {
            throw Problem.decoding(error)
        }
    }
}

extension Problem {
    static func decoding(_ error: DecodingError) -> Problem {
        func path(_ keys: [any CodingKey]) -> String? {
            let parts = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return parts.isEmpty ? nil : parts.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return .invalid("missing-field", "\(field ?? key.stringValue) is required", field: field)
        case .valueNotFound(_, let context):
            return .invalid(
                "missing-field", "\(path(context.codingPath) ?? "a field") must not be null",
                field: path(context.codingPath))
        case .typeMismatch(let type, let context):
            return .invalid(
                "wrong-type", "\(path(context.codingPath) ?? "the body") must be \(Self.describe(type))",
                field: path(context.codingPath))
        case .dataCorrupted(let context):
            guard let field = path(context.codingPath) else {
                return .badRequest(
                    "bad-json", "the body is not valid JSON: send a JSON object with Content-Type application/json")
            }
            // Our own types explain their form (a date, an instant) without the value; Swift's own message
            // for an enum quotes the value, so it is replaced.
            let own =
                context.debugDescription.hasPrefix("expected ") || context.debugDescription.hasPrefix("not an instant")
            let why = own ? context.debugDescription : "not one of the allowed values (see /openapi.yaml)"
            return .invalid("bad-value", "\(field): \(why)", field: field)
        @unknown default:
            return .badRequest("bad-json", "the body could not be read")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int32.Type, is Int64.Type: return "a whole number"
        case is Bool.Type: return "true or false"
        case is Double.Type: return "a number"
        default: return type is [Any].Type ? "an array" : "an object or a value of the right kind"
        }
    }
}

/// Checks on a request body's JSON text before it is decoded.
enum JSONText {
    /// Where the JSON text escapes a control character (\u0000 to \u001f but tab, new line and
    /// carriage return, and \u007f), if it does: such characters are refused rather than stored, since
    /// they can hide text or drive a terminal that later prints the record. (Raw control bytes are not
    /// valid JSON and are refused by the decoder.)
    static func controlCharacter(in bytes: some Collection<UInt8>) -> Int? {
        let b = Array(bytes)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "\\"), i + 1 < b.count {
                if b[i + 1] == UInt8(ascii: "u"), i + 5 < b.count,
                    let v = UInt32(String(decoding: b[(i + 2)...(i + 5)], as: UTF8.self), radix: 16)
                {
                    if (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || v == 0x7F { return i }
                    i += 6
                } else {
                    i += 2
                }
            } else {
                i += 1
            }
        }
        return nil
    }
}

extension JSONText {
    /// The first key that an object in the JSON text gives twice, if any. Decoders keep one of the two
    /// silently (which one differs between parsers), so a body that repeats a key could mean one thing to
    /// a proxy or a log and another to the service: it is refused instead. The key is given back only when
    /// it is a plain field name (letters and digits), never as other text the client sent (nil inside).
    static func repeatedKey(in bytes: some Collection<UInt8>) -> String?? {
        let b = Array(bytes)
        // One entry per open container: nil for an array, the keys seen so far for an object.
        var stack: [Set<String>?] = []
        var expectingKey = false
        var i = 0
        while i < b.count {
            switch b[i] {
            case UInt8(ascii: "{"):
                stack.append([])
                expectingKey = true
            case UInt8(ascii: "["):
                stack.append(nil)
                expectingKey = false
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = stack.popLast()
                expectingKey = false
            case UInt8(ascii: ","):
                expectingKey = stack.last.map { $0 != nil } ?? false
            case UInt8(ascii: ":"):
                expectingKey = false
            case UInt8(ascii: "\""):
                let start = i
                i += 1
                while i < b.count && b[i] != UInt8(ascii: "\"") { i += b[i] == UInt8(ascii: "\\") ? 2 : 1 }
                guard expectingKey, i < b.count, var keys = stack.last ?? nil else { break }
                // Escapes are resolved, so that "a" and "\u0061" are one key; a key without one (nearly all,
                // on every request's body) is its bytes as they stand, with no decoder made for it.
                let raw = b[(start + 1)..<i]
                let key =
                    raw.contains(UInt8(ascii: "\\"))
                    ? (try? JSONDecoder().decode(String.self, from: Data(b[start...i])))
                        ?? String(decoding: raw, as: UTF8.self)
                    : String(decoding: raw, as: UTF8.self)
                if keys.contains(key) {
                    return .some(key.allSatisfy { $0.isLetter || $0.isNumber } && !key.isEmpty ? key : nil)
                }
                keys.insert(key)
                stack[stack.count - 1] = keys
                expectingKey = false
            default:
                break
            }
            i += 1
        }
        return nil
    }
}
