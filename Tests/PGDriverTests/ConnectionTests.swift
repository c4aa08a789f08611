import Foundation
import PGDriver
import TestDatabase
import Testing

@Suite struct ConnectionTests {
    /// The same server reached through a conninfo string instead of a URL.
    @Test func conninfoStringsWorkLikeURLs() async throws {
        let parts = try #require(URLComponents(string: TestDatabase.serverURL))
        let query = Dictionary(uniqueKeysWithValues: (parts.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        var conninfo = "dbname=\(parts.path.dropFirst()) user=\(parts.user ?? "ap")"
        if let host = query["host"] ?? parts.host, !host.isEmpty { conninfo += " host=\(host)" }
        if let port = query["port"] ?? parts.port.map(String.init) { conninfo += " port=\(port)" }
        let database: String = try await TestDatabase.withConnection(PGConfig(url: conninfo)) { c in
            try c.query("SELECT current_database() AS d")[0].decode("d")
        }
        #expect(database == String(parts.path.dropFirst()))
    }

    /// Whatever the URL asks for, a session speaks UTF-8 and reads instants in UTC.
    @Test func sessionsAreUTF8WhateverTheURLSays() async throws {
        let separator = TestDatabase.serverURL.contains("?") ? "&" : "?"
        let url = TestDatabase.serverURL + separator + "client_encoding=LATIN1&options=-c%20TimeZone%3DAsia%2FTokyo"
        let (encoding, zone, text): (String, String, String) = try await TestDatabase.withConnection(PGConfig(url: url))
        { c in
            let row = try c.query(
                "SELECT current_setting('client_encoding') AS e, current_setting('TimeZone') AS z, $1::text AS t",
                ["Łódź ☕"])[0]
            return (try row.decode("e"), try row.decode("z"), try row.decode("t"))
        }
        #expect(encoding == "UTF8")
        #expect(zone == "UTC")
        #expect(text == "Łódź ☕")
    }
}
