import APClient
import APDomain
import APStore
import APWire
import Civil
import Foundation
import ServiceHarness
import TestDatabase
import Testing

/// The real `ap` binary against a running service on a test database.
@Suite struct CLITests {
    static func roll(_ ap: CLI) async throws -> [JSONValue] {
        let r = try await ap("roll", "--json")
        #expect(r.status == 0, "\(r)")
        return try #require(try r.json()["items"]?.array)
    }

    @Test func signOutAndInByCRNBedAndName() async throws {
        try await Harness.with { h in
            let ap = CLI(h, token: h.tokens.staff)
            let roll = try await Self.roll(ap)
            let inside = roll.filter { $0["isIn"] == .bool(true) && $0["bedCode"]?.string != nil }
            let first = try #require(inside.first)
            let crn = try #require(first["crn"]?.string)
            let name = try #require(first["name"]?.string)

            let out = try await ap("out", crn, "--to", "job centre", "--back", "15:00")
            #expect(
                out.status == 0 && out.out.contains(name) && out.out.contains("signed out")
                    && out.out.contains("job centre"), "\(out)")
            let again = try await ap("out", crn)
            #expect(again.status == 4 && again.err.contains("already signed out"), "\(again)")
            #expect(!again.err.contains("Error:") && !again.err.contains("Fatal"), "no stack traces")
            let back = try await ap("in", try #require(first["bedCode"]?.string))
            #expect(back.status == 0 && back.out.contains("signed in"), "\(back)")

            // By a name typed in capitals without its accents: a resident whose name that matches alone.
            let fold = { (t: String) in t.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) }
            let typed = { (r: JSONValue) in fold(r["name"]?.string ?? "").uppercased() }
            let second = try #require(
                inside.dropFirst().first { r in
                    roll.filter { fold($0["name"]?.string ?? "").contains(fold(typed(r))) }.count == 1
                })
            let byName = try await ap("out", typed(second))
            let secondName = try #require(second["name"]?.string)
            #expect(byName.status == 0 && byName.out.contains(secondName), "\(byName)")
            let after = try await Self.roll(ap)
            #expect(after.first { $0["crn"] == first["crn"] }?["isIn"] == .bool(true))
        }
    }

    @Test func ambiguousAndUnknownChangeNothing() async throws {
        try await Harness.with { h in
            let ap = CLI(h, token: h.tokens.staff)
            let roll = try await Self.roll(ap)
            // A family name that two or more residents share.
            let families = Dictionary(
                grouping: roll.compactMap { $0["name"]?.string?.split(separator: " ").last.map(String.init) },
                by: { $0 })
            let shared = try #require(families.first { $0.value.count > 1 }?.key)
            let movements = {
                try await h.db { c in try c.query("SELECT count(*) FROM movements")[0].decode(0, as: Int.self) }
            }
            let before = try await movements()
            let ambiguous = try await ap("out", shared)
            #expect(ambiguous.status == 3 && ambiguous.err.contains("nothing was changed"), "\(ambiguous)")
            #expect(ambiguous.err.split(separator: "\n").count >= 3, "the matches are listed")
            let unknown = try await ap("in", "Nobody-Of-That-Name")
            #expect(unknown.status == 2 && unknown.err.contains("matches"), "\(unknown)")
            #expect(try await movements() == before)
        }
    }

    @Test func tokensLoginAndTheServiceDown() async throws {
        try await Harness.with { h in
            let ap = CLI(h, token: h.tokens.staff)
            // Login checks the token, then saves it readable by the user only.
            let login = try await ap(
                "login", "--url", h.url.absoluteString, environment: ["AP_URL": "", "AP_TOKEN": ""],
                stdin: h.tokens.staff + "\n")
            #expect(login.status == 0 && login.out.contains("Demo Staff"), "\(login)")
            let file = ap.config.appendingPathComponent("ap/config.json")
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let who = try await ap("whoami", environment: ["AP_URL": "", "AP_TOKEN": ""])
            #expect(who.status == 0 && who.out.contains("Demo Staff (staff)"), "\(who)")
            let bad = try await ap(
                "login", "--url", h.url.absoluteString, "--token", "ap_" + String(repeating: "1", count: 64))
            #expect(bad.status == 6, "\(bad)")

            let notLoggedIn = try await ap(
                "roll", environment: ["AP_URL": "", "AP_TOKEN": "", "XDG_CONFIG_HOME": "/nonexistent"])
            #expect(notLoggedIn.status == 6 && notLoggedIn.err.contains("ap login"), "\(notLoggedIn)")
            let down = try await ap("roll", environment: ["AP_URL": "http://127.0.0.1:9"])
            #expect(down.status == 7 && down.err.contains("cannot reach the service"), "\(down)")

            // A revoked token: refused with the service's sentence.
            let staffAccount = try await h.staff.get("api/v1/me", as: JSONValue.self)["account"]!["id"]!.string!
            let issued: JSONValue = try await h.admin.post("api/v1/accounts/\(staffAccount)/tokens", ["days": 1])
            let token = try #require(issued["token"]?.string)
            #expect(try await ap("roll", environment: ["AP_TOKEN": token]).status == 0)
            try await h.admin.perform(
                "POST", "api/v1/tokens/\(issued["info"]!["id"]!.string!)/revoke", body: [String: String]())
            let revoked = try await ap("roll", environment: ["AP_TOKEN": token])
            #expect(revoked.status == 6 && revoked.err.contains("revoked"), "\(revoked)")
            let usage = try await ap("out")
            #expect(usage.status == 64)
            let version = try await ap("--version")
            #expect(version.status == 0 && !version.out.isEmpty)
        }
    }

    /// Issue 15, item 5: a name that got into the records with a line break, a C1 control or a
    /// text-direction override (stored before the service refused them) cannot split or disguise a row of
    /// `ap roll`: each shows as <U+…>.
    @Test func hiddenCharactersInANameShowAsWhatTheyAre() async throws {
        try await Harness.with { h in
            let ap = CLI(h, token: h.tokens.staff)
            let before = try await ap("roll")
            let crn = try #require(try await Self.roll(ap).first?["crn"]?.string)
            try await h.db { c in
                _ = try c.query(
                    "UPDATE residents SET given_name = $1, family_name = $2 WHERE crn = $3",
                    ["Ann\r\nAP-001 X999999 Fake Row\u{9B}2J", "\u{202E}eoD", crn])
            }
            let after = try await ap("roll")
            #expect(after.status == 0, "\(after)")
            #expect(after.out.split(separator: "\n").count == before.out.split(separator: "\n").count, "\(after)")
            #expect(after.out.contains("Ann<U+000D><U+000A>AP-001 X999999 Fake Row<U+009B>2J"), "\(after)")
            #expect(after.out.contains("<U+202E>eoD"), "\(after)")
            #expect(!after.out.unicodeScalars.contains { [0x0D, 0x9B, 0x202E].contains($0.value) })
            let shown = try await ap("resident", "show", crn)
            #expect(
                shown.out.contains("<U+202E>eoD") && !shown.out.unicodeScalars.contains { $0.value == 0x202E },
                "\(shown)")
        }
    }

    /// Issue 17, finding 8 and 5 (the command line's part): a premises the account does not work at is
    /// "not allowed" (6); `--at` takes a date for an earlier day; `ap alerts ack` reaches an old alert by its
    /// full id; a condition's end is shown as its last night.
    @Test func theShiftsCommandLineSaysWhatItMeans() async throws {
        try await Harness.with { h in
            let ap = CLI(h, token: h.tokens.staff)
            let elsewhere = try await ap("roll", "--premises", "AP-002")
            #expect(elsewhere.status == 6 && elsewhere.err.contains("does not work at premises"), "\(elsewhere)")

            let crn = try #require(try await Self.roll(ap).first { $0["isIn"] == .bool(true) }?["crn"]?.string)
            // A date and time reaches the service (which refuses a future one); before, it was not a time at all.
            let dated = try await ap("out", crn, "--at", "2099-01-01 10:00", "--reason", "typed a year out")
            #expect(dated.status == 5 && dated.err.contains("future") && !dated.err.contains("not a time"), "\(dated)")
            let badDate = try await ap("out", crn, "--at", "29/11 22:55", "--reason", "r")
            #expect(badDate.status == 5 && badDate.err.contains("YYYY-MM-DD HH:MM"), "\(badDate)")

            let (old, resident) = try await h.db { c in
                let row = try c.query(
                    "SELECT id, resident_id FROM placements WHERE premises_id = $1 AND status = 'arrived' "
                        + "ORDER BY id LIMIT 1",
                    [h.home])[0]
                let placement: UUID = try row.decode("id")
                let night: LocalDate = try c.query("SELECT (now() AT TIME ZONE 'Europe/London')::date - 90")[0].decode(
                    0)
                let alert = try AlertStore.raise(
                    c, actor: .worker(), placementId: placement, night: night, kind: .missedReporting, evidence: [],
                    escalate: false)!
                return (alert.id, try row.decode("resident_id", as: UUID.self))
            }
            let ack = try await ap("alerts", "ack", old.uuidString, "--outcome", "recording_error")
            #expect(ack.status == 0 && ack.out.contains("acknowledged"), "\(ack)")

            // Finding 7: an arrival expected yesterday that has not happened is shown as overdue, not as due today.
            let late: String = try await h.db { c in
                let f = Fixture(c: c)
                let r = try f.resident(given: "Olu", family: "Latecomer", at: h.home)
                let yesterday: LocalDate = try c.query("SELECT (now() AT TIME ZONE 'Europe/London')::date - 1")[0]
                    .decode(0)
                _ = try PlacementStore.create(
                    c, residentId: r.id, premisesId: h.home,
                    expected: Nights(from: yesterday, to: yesterday.adding(days: 20))!)
                return r.crn.value
            }
            let handover = try await ap("handover")
            let line = handover.out.split(separator: "\n").first { $0.contains(late) }
            #expect(line?.contains("OVERDUE arrival") == true && line?.contains("arriving:") == false, "\(handover)")

            let residentCRN: String = try await h.db { c in
                _ = try ConditionStore.add(
                    c, actor: .system, residentId: resident,
                    NewCondition(
                        kind: .other, source: .licence, startsOn: LocalDate("2026-01-01")!,
                        endsOn: LocalDate("2026-02-01")!,
                        wording: "no contact with the named person"))
                return try c.query("SELECT crn FROM residents WHERE id = $1", [resident])[0].decode(0)
            }
            let shown = try await ap("resident", "show", residentCRN)
            let row = shown.out.split(separator: "\n").first { $0.contains("no contact with the named person") }
            #expect(row?.contains("from 1 Jan; until 1 Feb: last night 31 Jan") == true, "\(shown)")
        }
    }

    /// Issue 17, finding 3 (in part): an alert carries what the person acting on it needs (the risk, the
    /// contingency plan, the practitioner), `ap alerts show` prints it, and the handover marks an escalation.
    @Test func anAlertCarriesWhatActingOnItNeeds() async throws {
        try await Harness.with { h in
            let ap = CLI(h, token: h.tokens.staff)
            let alert: UUID = try await h.db { c in
                let row = try c.query(
                    "SELECT p.id, p.resident_id FROM placements p WHERE p.premises_id = $1 AND p.status = 'arrived' "
                        + "ORDER BY p.id DESC LIMIT 1", [h.home])[0]
                let resident: UUID = try row.decode("resident_id")
                try c.query(
                    "UPDATE residents SET contingency_plan = 'Ring the out-of-hours manager, then the police on 101', "
                        + "practitioner_name = 'Jo Okafor', practitioner_phone = '0161 496 0000', rosh = 'very_high' "
                        + "WHERE id = $1",
                    [resident])
                let night: LocalDate = try c.query("SELECT (now() AT TIME ZONE 'Europe/London')::date - 1")[0].decode(0)
                return try AlertStore.raise(
                    c, actor: .worker(), placementId: try row.decode("id"), night: night, kind: .absentOvernight,
                    evidence: [], escalate: true)!.id
            }
            let shown = try await ap("alerts", "show", String(alert.uuidString.prefix(8)))
            #expect(shown.status == 0, "\(shown)")
            for text in [
                "ESCALATE", "RoSH very high", "Jo Okafor 0161 496 0000",
                "Ring the out-of-hours manager, then the police on 101",
            ] {
                #expect(shown.out.contains(text), "\(text): \(shown)")
            }
            let json = try await ap("alerts", "show", alert.uuidString, "--json")
            #expect(
                try json.json()["contingencyPlan"]?.string == "Ring the out-of-hours manager, then the police on 101")
            let handover = try await ap("handover")
            #expect(handover.out.contains("OPEN, ESCALATE"), "\(handover)")
        }
    }

    @Test func listingsTheirJSONAndRoles() async throws {
        try await Harness.with { h in
            let ap = CLI(h, token: h.tokens.staff)
            let table = try await ap("roll")
            #expect(table.status == 0 && table.out.contains("AP-001") && table.out.contains(" in, "), "\(table)")
            #expect(!table.out.contains("\u{1B}["), "no colour off a terminal")

            let beds = try await ap("beds", "--json")
            let board = try #require(try beds.json()["items"]?.array)
            #expect(board.count == 20)
            let bedsTable = try await ap("beds")
            #expect(bedsTable.out.contains("20 beds"), "\(bedsTable)")

            let alerts = try await ap("alerts", "--all", "--json")
            let alertItems = try alerts.json()["items"]?.array
            #expect(alerts.status == 0 && alertItems != nil, "\(alerts)")

            let roll = try await Self.roll(ap)
            let crn = try #require(roll.first?["crn"]?.string)
            let record = try await ap("resident", "show", crn, "--json")
            #expect(try record.json()["resident"]?["crn"]?.string == crn)
            let shown = try await ap("resident", "show", crn)
            #expect(
                shown.status == 0 && shown.out.contains("curfew tonight: 23:00-06:00")
                    && shown.out.contains("Conditions"), "\(shown)")

            let occupancyStaff = try await ap("occupancy")
            #expect(occupancyStaff.status == 6 && occupancyStaff.err.contains("role"), "\(occupancyStaff)")
            let manager = CLI(h, token: h.tokens.manager)
            let csv = try await manager("occupancy", "--from", "2026-11-01", "--to", "2026-11-08", "--csv")
            let lines = csv.out.split(separator: "\r\n")
            #expect(
                csv.status == 0 && lines.count == 8
                    && lines[0].hasPrefix("night,beds,out_of_service,out_of_service_planned_refurbishment,"), "\(csv)")
            #expect(lines[1].hasPrefix("2026-11-01,20,"))
            let occupancy = try await manager("occupancy", "--from", "2026-11-01", "--to", "2026-11-08")
            #expect(
                occupancy.status == 0 && occupancy.out.contains("bed nights:") && occupancy.out.contains("voids"),
                "\(occupancy)")
            let badDate = try await manager("occupancy", "--from", "1 Nov")
            #expect(badDate.status == 5 && badDate.err.contains("YYYY-MM-DD"), "\(badDate)")
        }
    }

    @Test func incidentsFromTheCommandLine() async throws {
        try await Harness.with { h in
            let ap = CLI(h, token: h.tokens.staff)
            let new = try await ap(
                "incident", "new", "--category", "damage_to_property", "--severity", "low", "--description",
                "Broken chair in the lounge",
                "--action", "Removed it", "--location", "lounge")
            #expect(new.status == 0 && new.out.contains("reported"), "\(new)")
            let id = try #require(new.out.split(separator: " ").dropFirst().first.map(String.init))
            let list = try await ap("incident", "list", "--json")
            let items = try #require(try list.json()["items"]?.array)
            let mine = try #require(items.first { $0["id"]?.string?.lowercased().hasPrefix(id) == true })
            #expect(mine["draft"]?["description"]?.string == "Broken chair in the lounge")
            let update = try await ap("incident", "update", id, "--severity", "medium")
            #expect(update.status == 0 && update.out.contains("version 2"), "\(update)")
            let close = try await ap("incident", "close", id)
            #expect(close.status == 0 && close.out.contains("closed"), "\(close)")
            let show = try await ap("incident", "show", id)
            #expect(show.out.contains("version 3") && show.out.contains("medium"), "\(show)")
            let missing = try await ap("incident", "new", "--severity", "low")
            #expect(missing.status == 5 && missing.err.contains("missing"), "\(missing)")
            let bad = try await ap(
                "incident", "new", "--category", "meteor", "--severity", "low", "--description", "d", "--action", "a",
                "--location", "l")
            #expect(bad.status == 5 && bad.err.contains("category"), "\(bad)")
        }
    }
}

@Suite struct OverdueTests {
    @Test func theRollMarksWhoIsPastTheTimeTheyGave() async throws {
        try await Harness.with { h in
            let ap = CLI(h, token: h.tokens.staff)
            let someone = try await h.residentIn(at: h.home)
            // Recorded through the service by another client: out an hour ago, due back ten minutes ago.
            let _: Movement = try await h.staff.post(
                "api/v1/premises/\(h.home)/movements",
                [
                    "residentId": someone.residentId.uuidString, "kind": "out",
                    "at": APIJSON.format(Date().addingTimeInterval(-3600)),
                    "lateReason": "paper log", "expectedBack": APIJSON.format(Date().addingTimeInterval(-600)),
                    "destination": "gym",
                ])
            let roll = try await ap("roll")
            let line = try #require(roll.out.split(separator: "\n").first { $0.contains(someone.crn) })
            #expect(line.contains("OVERDUE") && line.contains("gym"), "\(roll)")
            #expect(roll.out.split(separator: "\n").filter { $0.contains("OVERDUE") }.count == 1)
        }
    }
}
