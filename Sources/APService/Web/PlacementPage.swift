import APDomain
import APStore
import APWire
import Civil
import Foundation
import HTTPTypes
import Hummingbird

/// A placement's page: what it is, its bed, its timeline, and the actions its status allows the signed-in role
/// (the shift: arrival, departure, non-arrival; a manager also: cancel, move bed, key worker). A departure, a
/// non-arrival and a cancellation cannot be undone, so each asks for confirmation first: the answers are shown back
/// with a button that records them.
extension API {
    /// A form that came back refused on the placement's page: which, what was typed, and why.
    struct Refused {
        var form: String
        var typed: [(String, String)]
        var errors: [(field: String, message: String)]
    }

    func placementActionRoutes(_ r: Router<APRequestContext>) {
        let path = "premises/{code}/placements/{placementId}"
        r.post("\(path)/arrive") { req, ctx in
            try await placementAction(req, ctx, PlacementForms.arrive, .shift) { s, id, pairs, zone in
                try await arrive(
                    s.principal, id, try PlacementForms.arrive.read(Arrival.self, pairs, zone: zone, today: today()))
                return "arrived"
            }
        }
        r.post("\(path)/depart") { req, ctx in
            try await placementAction(req, ctx, PlacementForms.depart, .shift, confirm: "record the departure") {
                s, id, pairs, zone in
                try await depart(
                    s.principal, id, try PlacementForms.depart.read(Departure.self, pairs, zone: zone, today: today()))
                return "departed"
            }
        }
        r.post("\(path)/non-arrival") { req, ctx in
            try await placementAction(req, ctx, PlacementForms.nonArrival, .shift, confirm: "record the non-arrival") {
                s, id, pairs, zone in
                try await recordNonArrival(
                    s.principal, id,
                    try PlacementForms.nonArrival.read(NonArrival.self, pairs, zone: zone, today: today()))
                return "non-arrival"
            }
        }
        r.post("\(path)/cancel") { req, ctx in
            try await placementAction(req, ctx, PlacementForms.cancel, .manage, confirm: "cancel the placement") {
                s, id, pairs, zone in
                try await cancel(
                    s.principal, id,
                    try PlacementForms.cancel.read(Cancellation.self, pairs, zone: zone, today: today()))
                return "cancelled"
            }
        }
        r.post("\(path)/move") { req, ctx in
            try await placementAction(req, ctx, PlacementForms.move, .manage) { s, id, pairs, zone in
                try await moveBed(
                    s.principal, id, try PlacementForms.move.read(BedMove.self, pairs, zone: zone, today: today()))
                return "moved"
            }
        }
        r.post("\(path)/key-worker") { req, ctx in
            try await placementAction(req, ctx, PlacementForms.keyWorker, .manage) { s, id, pairs, zone in
                // "None" is sent as an empty choice: the wire's null.
                let body = try PlacementForms.keyWorker.read(KeyWorker.self, pairs, zone: zone, today: today())
                try await assignKeyWorker(s.principal, id, body)
                return "key-worker"
            }
        }
    }

    /// One of the placement page's forms posted: the role judged first, then (for what cannot be undone) the
    /// answers read and shown back for confirmation, then the change; a refusal shows on the placement's page.
    func placementAction(
        _ req: Request, _ ctx: APRequestContext, _ form: WebForm, _ access: Access, confirm: String? = nil,
        _ change: @escaping (WebSessionStore.Session, UUID, [(String, String)], TimeZone) async throws -> String
    ) async throws -> Response {
        guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
        try Self.require(access, s)
        let id = try Self.pathId(ctx, "placementId")
        let pairs = try await Self.postedForm(req, s)
        let zone = zone(premises)
        if let confirm, pairs.fields["confirmed"] != "yes" {
            // Read the answers as the change would, so that a mistake is shown before the question is asked.
            let checked = try await attempt(form) {
                _ = try await run(s.principal, access, scope: (.placement, id)) { _, _ in true }
                return try Self.readAny(form, pairs, zone: zone, today: today())
            }
            if case .failure(let refusal) = checked {
                return try await placementPage(
                    s, premises, id, refused: Refused(form: form.prefix, typed: pairs, errors: refusal.errors),
                    done: nil,
                    status: .unprocessableContent)
            }
            return try await confirmPage(s, premises, id, form, pairs, button: confirm, zone: zone)
        }
        let outcome = try await attempt(form) { try await change(s, id, pairs, zone) }
        switch outcome {
        case .success(let done):
            return Self.redirect("/premises/\(premises.code)/placements/\(id.lowercased)?done=\(done)")
        case .failure(let refusal):
            return try await placementPage(
                s, premises, id, refused: Refused(form: form.prefix, typed: pairs, errors: refusal.errors), done: nil,
                status: .unprocessableContent)
        }
    }

    /// The answers of a form that cannot be undone, decoded as its wire type to check them before asking.
    static func readAny(_ form: WebForm, _ pairs: [(String, String)], zone: TimeZone, today: LocalDate) throws
        -> Bool
    {
        switch form.prefix {
        case "depart": _ = try form.read(Departure.self, pairs, zone: zone, today: today)
        case "non-arrival": _ = try form.read(NonArrival.self, pairs, zone: zone, today: today)
        default: _ = try form.read(Cancellation.self, pairs, zone: zone, today: today)
        }
        return true
    }

    func confirmPage(
        _ s: WebSessionStore.Session, _ premises: Premises, _ id: UUID, _ form: WebForm, _ pairs: [(String, String)],
        button: String, zone: TimeZone
    ) async throws -> Response {
        let (_, resident) = try await placementAndResident(s, id)
        let name = "\(resident.givenName) \(resident.familyName)"
        let answers = form.fields.compactMap { field -> [String: String]? in
            let value = pairs.fields[field.name]?.trimmingCharacters(in: .whitespaces) ?? ""
            let shown: String
            if value.isEmpty {
                guard case .dateTime = field.kind else { return nil }
                shown = "now, \(Zone.clockTime(clock(), in: zone))"
            } else if case .choice(let options) = field.kind {
                shown = options.first { $0.value == value }?.label ?? value
            } else {
                shown = value
            }
            return ["label": field.label, "value": shown]
        }
        let model: [String: Any] = [
            "title": "\(button.capitalizedFirst) for \(name)?",
            "question": "\(button.capitalizedFirst) for \(name) (\(resident.crn))?",
            "answers": answers, "button": button,
            "action": "/premises/\(premises.code)/placements/\(id.lowercased)/\(form.prefix)",
            "back": "/premises/\(premises.code)/placements/\(id.lowercased)",
            "hidden": pairs.filter { $0.0 != "csrf" && $0.0 != "confirmed" }.map { ["name": $0.0, "value": $0.1] },
        ]
        return Self.page("confirm", model, s, premises, nil)
    }

    func placementAndResident(_ s: WebSessionStore.Session, _ id: UUID) async throws -> (Placement, Resident) {
        try await run(s.principal, .shift, scope: (.placement, id)) { c, _ in
            let placement = try PlacementStore.get(c, id: id)!
            return (placement, try ResidentStore.get(c, id: placement.residentId)!)
        }
    }

    func placementPage(
        _ s: WebSessionStore.Session, _ premises: Premises, _ id: UUID, refused: Refused?, done: String?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let zone = zone(premises)
        let now = clock()
        let today = today()
        let principal = s.principal
        let (placement, resident, allocations, movements, beds, staff) = try await run(
            principal, .shift, scope: (.placement, id)
        ) { c, _ in
            let placement = try PlacementStore.get(c, id: id)!
            return (
                placement, try ResidentStore.get(c, id: placement.residentId)!,
                try BedStore.allocations(c, placementId: id), try MovementStore.history(c, placementId: id),
                try PremisesStore.beds(c, premisesId: premises.id),
                try PasswordStore.accounts(c, premisesId: premises.id, now: now).compactMap { a -> (UUID, String)? in
                    a.account.staffId.map { ($0, a.account.name) }
                }
            )
        }
        let bedCode = { (bedId: UUID) in beds.first { $0.id == bedId }?.code ?? "?" }
        let when = { (d: Date) in "\(Zone.local(d, in: zone).date.weekdayDayAndMonth) \(Zone.clockTime(d, in: zone))" }
        let current = allocations.filter { $0.releasedAt == nil }
        let name = "\(resident.givenName) \(resident.familyName)"
        var facts: [[String: String]] = [
            ["key": "Resident", "value": "\(name) (\(resident.crn))"],
            ["key": "Status", "value": placement.status.rawValue.spoken],
            [
                "key": "Expected stay",
                "value": Wording.stay(from: placement.expectedArrival, to: placement.expectedDeparture),
            ],
            [
                "key": "Bed",
                "value": current.isEmpty
                    ? "none"
                    : current.map {
                        "\(bedCode($0.bedId)), \(Wording.nights(from: $0.nights.from, until: $0.nights.to))"
                    }
                    .joined(separator: "; "),
            ],
            ["key": "Key worker", "value": staff.first { $0.0 == placement.keyWorkerId }?.1 ?? "none"],
        ]
        if let at = placement.arrivedAt { facts.append(["key": "Arrived", "value": when(at)]) }
        if let at = placement.departedAt {
            facts.append(["key": "Left", "value": "\(when(at)): \(placement.departureReason?.rawValue.spoken ?? "")"])
            if !placement.departureNotes.isEmpty {
                facts.append(["key": "What happened", "value": placement.departureNotes])
            }
        }
        if let reason = placement.cancellationReason {
            facts.append(["key": "Cancelled", "value": reason.rawValue.spoken])
        }
        if let reason = placement.nonArrivalReason {
            facts.append(["key": "Did not arrive", "value": reason.rawValue.spoken])
        }
        if !placement.notes.isEmpty { facts.append(["key": "Notes", "value": placement.notes]) }

        // The timeline, oldest first: the stay's milestones, its beds, and every entry in the sign-in log.
        var timeline: [(Date, String)] = movements.map { m in
            let what = m.kind == .in ? "Signed in" : "Signed out\(m.destination.isEmpty ? "" : " to \(m.destination)")"
            let late = m.lateReason.map { " (recorded late: \($0))" } ?? ""
            return (m.at, "\(when(m.at)): \(what)\(late)\(m.voids != nil ? " (voids an earlier entry)" : "")")
        }
        for a in allocations {
            let start = Zone.instant(a.nights.from, LocalTime(hour: 12, minute: 0)!, in: zone)
            let released = a.releasedAt.map { ", released \(when($0))" } ?? ""
            timeline.append(
                (start, "Bed \(bedCode(a.bedId)) \(Wording.nights(from: a.nights.from, until: a.nights.to))\(released)")
            )
        }
        if let at = placement.arrivedAt { timeline.append((at, "\(when(at)): Arrived")) }
        if let at = placement.departedAt { timeline.append((at, "\(when(at)): Left")) }

        let mine = { (form: WebForm) in refused?.form == form.prefix ? refused : nil }
        let formModel = { (form: WebForm, initial: [String: String]) -> [String: Any] in
            form.model(typed: mine(form)?.typed ?? [], initial: initial, errors: mine(form)?.errors ?? [])
        }
        let manages = principal.account.role != .staff
        var model: [String: Any] = [
            "title": "Placement: \(name)", "name": name, "facts": facts, "placementId": id.lowercased,
            "residentId": resident.id.lowercased, "timeline": timeline.sorted { $0.0 < $1.0 }.map(\.1),
            "hasErrors": !(refused?.errors.isEmpty ?? true),
            "errors": (refused?.errors ?? []).map { ["field": $0.field, "message": $0.message] },
            "mayArrive": placement.status == .upcoming, "mayDepart": placement.status == .arrived,
            "mayCancel": placement.status == .upcoming && manages,
            "mayMove": placement.status.isActive && manages && !current.isEmpty,
            "mayChooseBed": placement.status.isActive && manages && current.isEmpty,
            "mayKeyWorker": placement.status.isActive && manages,
            "arrive": formModel(PlacementForms.arrive, [:]), "depart": formModel(PlacementForms.depart, [:]),
            "nonArrival": formModel(PlacementForms.nonArrival, [:]), "cancel": formModel(PlacementForms.cancel, [:]),
            "move": formModel(PlacementForms.move, ["from": WebForm.typed(max(today, placement.expectedArrival))]),
            "keyWorker": formModel(PlacementForms.keyWorker, ["keyWorkerId": placement.keyWorkerId?.lowercased ?? ""]),
        ]
        // The move's and key worker's choices: the premises' beds other than the current one, its staff.
        var move = model["move"] as! [String: Any]
        var bedField = move["bedId"] as! [String: Any]
        let chosenBed = mine(PlacementForms.move)?.typed.fields["bedId"]
        bedField["options"] = beds.filter { bed in !current.contains { $0.bedId == bed.id } && bed.closedOn == nil }
            .sorted { $0.code.localizedStandardCompare($1.code) == .orderedAscending }.map {
                [
                    "value": $0.id.lowercased, "label": "\($0.code) (room \($0.roomCode))",
                    "on": $0.id.lowercased == chosenBed,
                ]
            }
        move["bedId"] = bedField
        model["move"] = move
        var keyWorker = model["keyWorker"] as! [String: Any]
        var workerField = keyWorker["keyWorkerId"] as! [String: Any]
        let chosenWorker =
            mine(PlacementForms.keyWorker)?.typed.fields["keyWorkerId"] ?? placement.keyWorkerId?.lowercased
        workerField["options"] = staff.map {
            ["value": $0.0.lowercased, "label": $0.1, "on": $0.0.lowercased == chosenWorker]
        }
        keyWorker["keyWorkerId"] = workerField
        model["keyWorker"] = keyWorker
        if let done {
            let said: [String: String] = [
                "arrived": "Arrival recorded", "departed": "Departure recorded", "non-arrival": "Non-arrival recorded",
                "cancelled": "Placement cancelled", "moved": "Bed move recorded", "key-worker": "Key worker changed",
                "bed": "Bed allocated",
            ]
            if let text = said[done] { model["done"] = text }
        }
        return Self.page("placement", model, s, premises, .placements, status: status)
    }
}
