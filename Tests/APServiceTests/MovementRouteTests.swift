import APClient
import APStore
import APWire
import Foundation
import PGDriver
import ServiceHarness
import Testing

/// Signing in and out over HTTP: the shift's main job, and every way it can be refused.
@Suite struct MovementRouteTests {
    @Test func signOutAndInThenVoid() async throws {
        try await Harness.with { h in
            let someone = try await h.residentIn(at: h.home)
            let (resident, placement) = (someone.residentId, someone.placementId)
            let path = "api/v1/premises/\(h.home)/movements"
            let out: Movement = try await h.staff.post(
                path, ["residentId": resident.uuidString, "kind": "out", "destination": "job centre"])
            #expect(out.kind == .out && out.destination == "job centre" && out.residentId == resident)
            let again = await problem {
                _ = try await h.staff.post(path, ["residentId": resident.uuidString, "kind": "out"], as: Movement.self)
            }
            #expect(again?.status == 409 && again?.code == "already-out" && again?.field == "kind")
            let back: Movement = try await h.staff.post(path, ["residentId": resident.uuidString, "kind": "in"])
            #expect(back.kind == .in)
            let void: Movement = try await h.staff.post(
                "api/v1/movements/\(back.id)/void", ["reason": "signed in the wrong resident"])
            #expect(void.kind == .void && void.voids == back.id)
            let history: Page<Movement> = try await h.staff.get("api/v1/placements/\(placement)/movements")
            #expect(Array(history.items.suffix(3).map(\.id)) == [out.id, back.id, void.id])
            // The voided entry no longer counts: the resident is out again.
            let roll: Page<Presence> = try await h.staff.get("api/v1/premises/\(h.home)/roll", query: ["limit": "500"])
            #expect(roll.items.first { $0.residentId == resident }?.isIn == false)
        }
    }

    @Test func badInputIsRefusedWithTheFieldAndChangesNothing() async throws {
        try await Harness.with { h in
            let someone = try await h.residentIn(at: h.home)
            let (resident, placement) = (someone.residentId, someone.placementId)
            let path = "api/v1/premises/\(h.home)/movements"
            let before: Page<Movement> = try await h.staff.get(
                "api/v1/placements/\(placement)/movements", query: ["limit": "500"])

            let late = await problem {
                _ = try await h.staff.post(
                    path,
                    [
                        "residentId": resident.uuidString, "kind": "out",
                        "at": "2020-01-01T10:00:00Z", "lateReason": "paper log",
                    ], as: Movement.self)
            }
            #expect(late?.status == 422 && late?.code == "before-arrival" && late?.field == "at")
            let noReason = await problem {
                _ = try await h.staff.post(
                    path,
                    [
                        "residentId": resident.uuidString, "kind": "out",
                        "at": APIJSON.format(Date().addingTimeInterval(-3600)),
                    ], as: Movement.self)
            }
            #expect(
                noReason?.status == 422 && noReason?.code == "late-movement-needs-reason"
                    && noReason?.field == "lateReason")
            let kind = await problem {
                _ = try await h.staff.post(
                    path, ["residentId": resident.uuidString, "kind": "sideways"], as: Movement.self)
            }
            #expect(kind?.status == 422 && kind?.field == "kind")
            #expect(kind?.detail.contains("sideways") == false, "the problem repeats what was sent")
            let missing = await problem { _ = try await h.staff.post(path, ["kind": "out"], as: Movement.self) }
            #expect(missing?.status == 422 && missing?.code == "missing-field" && missing?.field == "residentId")
            let wrongType = await problem {
                _ = try await h.staff.post(path, ["residentId": 12, "kind": "out"], as: Movement.self)
            }
            #expect(wrongType?.status == 422 && wrongType?.field == "residentId")
            let notJSON = try await h.staff.send("POST", path, body: Data("{kind: out".utf8))
            #expect(notJSON.status == 400 && notJSON.header("Content-Type") == "application/problem+json")
            let badId = try await h.staff.send(
                "POST", "api/v1/movements/not-a-uuid/void", body: Data("{\"reason\":\"x\"}".utf8))
            #expect(badId.status == 400)
            let unknown = await problem {
                _ = try await h.staff.post("api/v1/movements/\(UUID())/void", ["reason": "x"], as: Movement.self)
            }
            #expect(unknown?.status == 404 && unknown?.code == "movement-not-found")
            let nobody = await problem {
                _ = try await h.staff.post(path, ["residentId": UUID().uuidString, "kind": "out"], as: Movement.self)
            }
            #expect(nobody?.status == 409 && nobody?.code == "not-staying-here")

            let after: Page<Movement> = try await h.staff.get(
                "api/v1/placements/\(placement)/movements", query: ["limit": "500"])
            #expect(after.items == before.items)
        }
    }

    @Test func tokensAndPremisesAreChecked() async throws {
        try await Harness.with { h in
            let resident = try await h.residentIn(at: h.home).residentId
            let path = "api/v1/premises/\(h.home)/movements"
            let anonymous = try await h.anonymous.postRaw(path, ["residentId": resident.uuidString, "kind": "out"])
            #expect(anonymous.status == 401)
            let forged = await problem {
                _ = try await h.client("ap_" + String(repeating: "0", count: 64)).post(
                    path, ["residentId": resident.uuidString, "kind": "out"], as: Movement.self)
            }
            #expect(forged?.status == 401 && forged?.code == "token-unknown")
            let elsewhere = await problem {
                _ = try await h.otherStaff.post(
                    path, ["residentId": resident.uuidString, "kind": "out"], as: Movement.self)
            }
            #expect(elsewhere?.status == 403 && elsewhere?.code == "other-premises")
            let roll = try await h.otherStaff.send("GET", "api/v1/premises/\(h.home)/roll")
            #expect(roll.status == 403)
            let count = try await h.db { c in
                try c.query(
                    "SELECT count(*) AS n FROM movements WHERE resident_id = $1 AND recorded_at > now() - interval "
                        + "'1 minute'",
                    [resident])[0].decode("n", as: Int.self)
            }
            #expect(count == 0)
        }
    }
}
