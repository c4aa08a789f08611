import APClient
import APDomain
import APWire
import Civil
import Foundation

/// A logged-in client at one premises: the service, the premises the account works at (chosen with
/// --premises or AP_PREMISES when it works at several), and the premises' clock.
struct Session: Sendable {
    let client: APIClient
    let me: Me
    let premises: Premises
    let clock: LocalClock

    static func open(premises code: String? = nil) async throws -> Session {
        let config = try Config.load()
        guard let url = URL(string: config.url), url.scheme == "http" || url.scheme == "https" else {
            throw CLIError(.invalid, "the service URL '\(config.url)' is not an http(s) URL: run `ap login --url URL`")
        }
        let client = Session.client(url, token: config.token)
        let me: Me = try await client.call("GET", "api/v1/me")
        let wanted = code ?? config.premises
        let chosen: Premises
        if let wanted {
            guard let p = me.premises.first(where: { $0.code.caseInsensitiveCompare(wanted) == .orderedSame }) else {
                // Not allowed, whether or not such a premises exists: exit 6, as the help says.
                throw CLIError(
                    .auth,
                    "your account does not work at premises '\(wanted)': it works at "
                        + me.premises.map(\.code).joined(separator: ", "))
            }
            chosen = p
        } else if me.premises.count == 1 {
            chosen = me.premises[0]
        } else {
            throw CLIError(
                .invalid,
                "your account works at several premises: choose one with --premises CODE or AP_PREMISES ("
                    + me.premises.map(\.code).joined(separator: ", ") + ")")
        }
        return Session(
            client: client, me: me, premises: chosen,
            clock: LocalClock(zone: TimeZone(identifier: chosen.timeZone) ?? .gmt, now: Date()))
    }

    var base: String { "api/v1/premises/\(premises.id)" }

    /// A client of the service, each request bounded by AP_TIMEOUT seconds (15 by default).
    static func client(_ url: URL, token: String) -> APIClient {
        APIClient(
            baseURL: url, token: token,
            timeout: ProcessInfo.processInfo.environment["AP_TIMEOUT"].flatMap(TimeInterval.init) ?? 15)
    }

    func roll() async throws -> [Presence] {
        try await client.call("GET", "\(base)/roll", query: ["limit": "500"], as: Page<Presence>.self).items
    }

    /// The arrived resident `who` names: a CRN, a bed or room code, or an unambiguous part of a name.
    /// Several matches are listed and nothing is done.
    func resolve(_ who: String, in roll: [Presence]) throws(CLIError) -> Presence {
        try Session.match(
            who, in: roll, crn: \.crn, name: \.name, codes: [\.bedCode, \.roomCode],
            line: { "  \($0.crn)  \($0.name)  bed \($0.bedCode ?? "-")" },
            none: "nobody staying at \(premises.code) matches '\(who)': try a CRN, a bed code or part of a name "
                + "(`ap roll` lists everyone)")
    }

    /// The one of `items` that `who` names: its CRN, one of its codes, or words that all appear in its name
    /// (case and accents aside). None is `none`'s refusal (exit 2); several are listed (exit 3), and nothing is
    /// done either way.
    static func match<T>(
        _ who: String, in items: [T], crn: KeyPath<T, String>, name: KeyPath<T, String>,
        codes: [KeyPath<T, String?>] = [], line: (T) -> String, none: String
    ) throws(CLIError) -> T {
        let key = who.trimmingCharacters(in: .whitespaces)
        let fold = { (s: String) in s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) }
        var matches = items.filter { $0[keyPath: crn].caseInsensitiveCompare(key) == .orderedSame }
        for code in codes where matches.isEmpty {
            matches = items.filter { $0[keyPath: code]?.caseInsensitiveCompare(key) == .orderedSame }
        }
        if matches.isEmpty {
            let words = fold(key).split(separator: " ").map(String.init)
            if !words.isEmpty {
                matches = items.filter { i in words.allSatisfy { fold(i[keyPath: name]).contains($0) } }
            }
        }
        switch matches.count {
        case 1: return matches[0]
        case 0: throw CLIError(.notFound, none)
        default:
            throw CLIError(
                .ambiguous,
                "'\(key)' matches \(matches.count); nothing was changed. Be more specific, with a CRN:\n"
                    + matches.map(line).joined(separator: "\n"))
        }
    }

    /// The record `id` names: a full id is fetched from `path` (any record of the premises, however old); a
    /// shortened one is looked for among what `list` gives.
    func find<T: Decodable & Sendable>(
        _ id: String, at path: (UUID) -> String, among list: String, query: [String: String], id key: (T) -> UUID,
        what: String
    ) async throws -> T {
        if let full = UUID(uuidString: id) { return try await client.call("GET", path(full)) }
        let items = try await client.call("GET", list, query: query.merging(["limit": "500"]) { $1 }, as: Page<T>.self)
            .items
        return try Session.pick(id, from: items, id: key, what: what)
    }

    /// The one item whose id starts with `prefix` (ids are shown shortened to 8 characters).
    static func pick<T>(_ prefix: String, from items: [T], id: (T) -> UUID, what: String) throws(CLIError) -> T {
        let p = prefix.lowercased()
        guard p.count >= 4 else { throw CLIError(.invalid, "give at least 4 characters of the \(what)'s id") }
        let found = items.filter { id($0).uuidString.lowercased().hasPrefix(p) }
        switch found.count {
        case 1: return found[0]
        case 0:
            throw CLIError(
                .notFound, "no \(what) at this premises has an id starting '\(prefix)': list them to see their ids")
        default: throw CLIError(.ambiguous, "several \(what)s have ids starting '\(prefix)': give more characters")
        }
    }
}

func short(_ id: UUID) -> String { String(id.uuidString.lowercased().prefix(8)) }
func label<T: RawRepresentable>(_ value: T) -> String where T.RawValue == String {
    value.rawValue.replacingOccurrences(of: "_", with: " ")
}

/// A value of one of the API's fixed lists, typed on the command line: a clear refusal that lists the values
/// (exit 5), rather than a round trip to the service.
func choice<T: RawRepresentable & CaseIterable>(_ text: String, as type: T.Type, what: String) throws(CLIError) -> T
where T.RawValue == String {
    guard let value = T(rawValue: text) else {
        throw CLIError(
            .invalid, "'\(text)' is not a \(what): use " + T.allCases.map(\.rawValue).joined(separator: ", "))
    }
    return value
}
