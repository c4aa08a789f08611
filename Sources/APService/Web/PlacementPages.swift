import APDomain
import APStore
import APWire
import Civil
import Foundation
import HTTPTypes
import Hummingbird

/// A premises' placements in the browser: the list (upcoming, current, past; found by name or CRN), booking one and
/// choosing its bed from those free over its nights, and a placement's page with what can be done next. Each change
/// is the API's own operation (PlacementRoutes), called with the session's principal.
extension API {
    /// A booking as the page asks for it: the resident by CRN, not by id; the needs only narrow the beds offered.
    struct Booking: Decodable {
        var crn: String
        var expectedArrival: LocalDate
        var expectedDeparture: LocalDate
        var notes: String?
    }

    struct BedChoice: Decodable {
        var bedId: UUID
    }

    enum PlacementForms {
        static let needs = WebForm.Field(
            name: "requiring", label: "What the bed must have", hint: "Leave all unticked for any bed",
            kind: .checkboxes(WebForm.Option.all(RoomCharacteristic.self), numbers: false))
        static let book = WebForm([
            .init(name: "crn", label: "CRN", hint: "The case reference number, like X320741"),
            .init(name: "expectedArrival", label: "Expected arrival", hint: "For example, 1/12/2026", kind: .date),
            .init(
                name: "expectedDeparture", label: "Expected departure", hint: "The day they leave, in the morning",
                kind: .date),
            needs,
            .init(name: "notes", label: "Notes (optional)", kind: .lines),
        ])
        static let bed = WebForm([.init(name: "bedId", label: "Bed")])
        static let arrive = WebForm(
            "arrive",
            [
                .init(
                    name: "at", label: "When they arrived", hint: "Leave empty for now, or like 30/11/2026 14:05",
                    kind: .dateTime, aliases: ["arrivedAt"])
            ])
        static let depart = WebForm(
            "depart",
            [
                .init(
                    name: "at", label: "When they left", hint: "Leave empty for now, or like 30/11/2026 09:30",
                    kind: .dateTime, aliases: ["departedAt"]),
                .init(name: "reason", label: "Why they left", kind: .choice(WebForm.Option.all(DepartureReason.self))),
                .init(
                    name: "notes", label: "What happened",
                    hint: "For a recall or breach: what happened and who was told. For a move-on: where to.",
                    kind: .lines),
            ])
        static let nonArrival = WebForm(
            "non-arrival",
            [
                .init(
                    name: "reason", label: "Why they did not arrive",
                    kind: .choice(WebForm.Option.all(NonArrivalReason.self)))
            ])
        static let cancel = WebForm(
            "cancel",
            [
                .init(
                    name: "reason", label: "Why it is cancelled",
                    kind: .choice(WebForm.Option.all(CancellationReason.self)))
            ])
        static let move = WebForm(
            "move",
            [
                .init(name: "bedId", label: "Move to bed", kind: .choice([])),
                .init(name: "from", label: "From the night of", hint: "For example, 30/11/2026", kind: .date),
            ])
        static let keyWorker = WebForm(
            "key-worker", [.init(name: "keyWorkerId", label: "Key worker", kind: .choice([]), unchosen: "None")])
    }

    func placementPageRoutes(_ r: Router<APRequestContext>) {
        r.get("premises/{code}/placements") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            try Self.require(.manage, s)
            return try await placementsPage(s, premises, show: req.query("show") ?? "current", search: req.query("q"))
        }
        r.get("premises/{code}/placements/new") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            try Self.require(.manage, s)
            return bookingPage(s, premises, typed: [], initial: ["crn": req.query("crn") ?? ""], errors: [])
        }
        r.post("premises/{code}/placements/new") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            try Self.require(.manage, s)
            let pairs = try await Self.postedForm(req, s)
            return try await bookFromPage(s, premises, pairs)
        }
        r.get("premises/{code}/placements/{placementId}") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            return try await placementPage(
                s, premises, try Self.pathId(ctx, "placementId"), refused: nil, done: req.query("done"))
        }
        r.get("premises/{code}/placements/{placementId}/bed") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            try Self.require(.manage, s)
            let requiring = req.uri.queryParameters.getAll("requiring").compactMap(RoomCharacteristic.init(rawValue:))
            return try await bedChoicePage(
                s, premises, try Self.pathId(ctx, "placementId"), requiring: requiring, errors: [])
        }
        r.post("premises/{code}/placements/{placementId}/bed") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            try Self.require(.manage, s)
            let id = try Self.pathId(ctx, "placementId")
            let pairs = try await Self.postedForm(req, s)
            let placement = try await run(s.principal, .manage, scope: (.placement, id)) { c, _ in
                try PlacementStore.get(c, id: id)!
            }
            let form = PlacementForms.bed
            let from = max(
                placement.expectedArrival, placement.status == .arrived ? today() : placement.expectedArrival)
            let outcome = try await attempt(form) {
                let choice = try form.read(BedChoice.self, pairs, zone: API.london, today: today())
                return try await allocate(
                    s.principal, id, NewAllocation(bedId: choice.bedId, from: from, to: placement.expectedDeparture))
            }
            guard case .failure(let refusal) = outcome else {
                return Self.redirect("/premises/\(premises.code)/placements/\(id.lowercased)?done=bed")
            }
            return try await bedChoicePage(s, premises, id, requiring: [], errors: refusal.errors)
        }
        placementActionRoutes(r)
    }

    func bookFromPage(_ s: WebSessionStore.Session, _ premises: Premises, _ pairs: [(String, String)]) async throws
        -> Response
    {
        let form = PlacementForms.book
        let principal = s.principal
        let outcome = try await attempt(form) {
            let booking = try form.read(Booking.self, pairs, zone: zone(premises), today: today())
            guard let crn = CRN(booking.crn) else {
                throw WebForm.Refusal(errors: [("crn", API.sentence(CRN.rule))])
            }
            // A resident at another premises is not found, as for a CRN nobody has.
            let resident: Resident? = try await run(principal, .manage) { c, p in
                guard let found = try ResidentStore.get(c, crn: crn) else { return nil }
                do { try Self.check(c, p, .resident, found.id) } catch is Problem { return nil }
                return found
            }
            guard let resident else {
                throw WebForm.Refusal(errors: [
                    ("crn", "There is no resident with that CRN here: check it, or add them as a new resident first")
                ])
            }
            return try await book(
                principal,
                NewPlacement(
                    residentId: resident.id, premisesId: premises.id, expectedArrival: booking.expectedArrival,
                    expectedDeparture: booking.expectedDeparture, notes: booking.notes))
        }
        switch outcome {
        case .success(let placement):
            let needs = pairs.filter { $0.0 == "requiring" }.map { "&requiring=\($0.1)" }.joined()
            return Self.redirect(
                "/premises/\(premises.code)/placements/\(placement.id.lowercased)/bed?booked=1\(needs)")
        case .failure(let refusal):
            return bookingPage(
                s, premises, typed: pairs, initial: [:], errors: refusal.errors, status: .unprocessableContent)
        }
    }

    func bookingPage(
        _ s: WebSessionStore.Session, _ premises: Premises, typed: [(String, String)], initial: [String: String],
        errors: [(field: String, message: String)], status: HTTPResponse.Status = .ok
    ) -> Response {
        var model = PlacementForms.book.page(typed: typed, initial: initial, errors: errors)
        model["title"] = "Book a placement"
        return Self.page("book", model, s, premises, .placements, status: status)
    }

    func bedChoicePage(
        _ s: WebSessionStore.Session, _ premises: Premises, _ id: UUID, requiring: [RoomCharacteristic],
        errors: [(field: String, message: String)]
    ) async throws -> Response {
        let (placement, resident, beds) = try await run(s.principal, .manage, scope: (.placement, id)) { c, _ in
            let placement = try PlacementStore.get(c, id: id)!
            let nights = Nights(from: placement.expectedArrival, to: placement.expectedDeparture)!
            return (
                placement, try ResidentStore.get(c, id: placement.residentId)!,
                try BedStore.freeBeds(c, premisesId: premises.id, nights: nights, requiring: requiring)
            )
        }
        var model = PlacementForms.bed.page(typed: [], errors: errors)
        model["title"] = "Choose a bed"
        model["placementId"] = id.lowercased
        model["resident"] = "\(resident.givenName) \(resident.familyName) (\(resident.crn))"
        model["nights"] = Wording.stay(from: placement.expectedArrival, to: placement.expectedDeparture)
        if !requiring.isEmpty { model["needs"] = requiring.map(\.rawValue.spoken).joined(separator: ", ") }
        model["beds"] = beds.map { bed -> [String: Any] in
            var item: [String: Any] = ["id": bed.id.lowercased, "code": bed.code, "room": bed.roomCode]
            if !bed.roomCharacteristics.isEmpty {
                item["has"] = bed.roomCharacteristics.map(\.rawValue.spoken).joined(separator: ", ")
            }
            return item
        }
        model["hasBeds"] = !beds.isEmpty
        return Self.page(
            "choose-bed", model, s, premises, .placements, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func placementsPage(_ s: WebSessionStore.Session, _ premises: Premises, show: String, search: String?) async throws
        -> Response
    {
        let today = today()
        let tabs: [(key: String, label: String, statuses: [PlacementStatus], nights: Nights)] = [
            ("upcoming", "Upcoming", [.upcoming], Nights(from: today, to: today.adding(days: 3660))!),
            (
                "current", "Staying now", [.arrived],
                Nights(from: today.adding(days: -3660), to: today.adding(days: 3660))!
            ),
            (
                "past", "Past", [.departed, .cancelled, .nonArrival],
                Nights(from: today.adding(days: -366), to: today.adding(days: 1))!
            ),
        ]
        let tab = tabs.first { $0.key == show } ?? tabs[1]
        let needle = (search ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let found = try await run(s.principal, .manage, premises: premises.id) { c, _ in
            try PlacementStore.list(c, premisesId: premises.id, overlapping: tab.nights, statuses: tab.statuses)
                .compactMap { p -> (Placement, Resident)? in try ResidentStore.get(c, id: p.residentId).map { (p, $0) }
                }
        }
        let rows = found.compactMap { p, r -> [String: Any]? in
            let name = "\(r.givenName) \(r.familyName)"
            if !needle.isEmpty, !name.lowercased().contains(needle), !r.crn.value.lowercased().contains(needle) {
                return nil
            }
            return [
                "id": p.id.lowercased, "name": name, "crn": r.crn.value,
                "stay": Wording.stay(from: p.expectedArrival, to: p.expectedDeparture),
                "status": p.status.rawValue.spoken,
            ]
        }
        let model: [String: Any] = [
            "title": "\(premises.code): placements", "rows": rows, "hasRows": !rows.isEmpty, "search": search ?? "",
            "show": tab.key, "showing": tab.label,
            "tabs": tabs.map { ["key": $0.key, "label": $0.label, "current": $0.key == tab.key] },
        ]
        return Self.page("placements", model, s, premises, .placements)
    }
}

extension UUID {
    /// As the pages' paths and forms write an id.
    var lowercased: String { uuidString.lowercased() }
}
