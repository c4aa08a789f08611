import APDomain
import APStore
import APWire
import Civil
import Foundation
import HTTPTypes
import Hummingbird

/// The beds in the browser, for managers: the bed board (who holds each bed, by name, each of the next 14
/// nights), putting a bed out of service, and a bed's page with its out-of-service history, where a period is
/// revised or withdrawn (both kept: a revision withdraws the old period and records what it replaces).
extension API {
    enum BedForms {
        static func period(_ prefix: String, withBed: Bool) -> WebForm {
            var fields: [WebForm.Field] =
                withBed ? [.init(name: "bedId", label: "Bed", kind: .choice([]), aliases: ["bed"])] : []
            fields += [
                .init(name: "from", label: "First night out of service", hint: "For example, 1/12/2026", kind: .date),
                .init(
                    name: "to", label: "First night back in service", hint: "The morning it is usable again",
                    kind: .date),
                .init(name: "reason", label: "Why", kind: .choice(WebForm.Option.all(OutOfServiceReason.self))),
                .init(name: "notes", label: "Notes (optional)", kind: .lines),
            ]
            return WebForm(prefix, fields)
        }
        static let create = period("oos", withBed: true)
        static let withdraw = WebForm("withdraw", [.init(name: "reason", label: "Why it is withdrawn")])
        static let room = WebForm(
            "room",
            [
                .init(name: "code", label: "Room", hint: "Like R16"),
                .init(
                    name: "characteristics", label: "What the room has",
                    kind: .checkboxes(WebForm.Option.all(RoomCharacteristic.self), numbers: false)),
            ])
        static let bed = WebForm(
            "bed",
            [
                .init(name: "roomId", label: "In room", kind: .choice([])),
                .init(name: "code", label: "Bed", hint: "Like 16A"),
                .init(name: "openedOn", label: "First night in use", hint: "For example, 1/12/2026", kind: .date),
            ])
    }

    struct PeriodOfBed: Decodable {
        var bedId: UUID
    }

    func bedPageRoutes(_ r: Router<APRequestContext>) {
        r.get("premises/{code}/beds") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            try Self.require(.manage, s)
            return try await bedsPage(s, premises, refused: nil, done: req.query("done"))
        }
        r.post("premises/{code}/beds/out-of-service") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            try Self.require(.manage, s)
            let pairs = try await Self.postedForm(req, s)
            let form = BedForms.create
            let outcome = try await attempt(form) {
                let bed = try form.read(PeriodOfBed.self, pairs, zone: zone(premises), today: today())
                return try await putOutOfService(
                    s.principal, bed.bedId, try form.read(NewPeriod.self, pairs, zone: zone(premises), today: today()))
            }
            guard case .failure(let refusal) = outcome else {
                return Self.redirect("/premises/\(premises.code)/beds?done=out-of-service")
            }
            return try await bedsPage(
                s, premises, refused: Refused(form: form.prefix, typed: pairs, errors: refusal.errors), done: nil,
                status: .unprocessableContent)
        }
        for what in ["room", "bed"] {
            r.post("premises/{code}/beds/add-\(what)") { req, ctx in
                guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
                try Self.require(.manage, s)
                let pairs = try await Self.postedForm(req, s)
                let form = what == "room" ? BedForms.room : BedForms.bed
                let outcome = try await attempt(form) {
                    let today = today()
                    if what == "room" {
                        _ = try await addRoom(
                            s.principal, premisesId: premises.id,
                            try form.read(NewRoom.self, pairs, zone: zone(premises), today: today))
                    } else {
                        _ = try await addBed(
                            s.principal, premisesId: premises.id,
                            try form.read(NewBed.self, pairs, zone: zone(premises), today: today))
                    }
                }
                guard case .failure(let refusal) = outcome else {
                    return Self.redirect("/premises/\(premises.code)/beds?done=\(what)")
                }
                return try await bedsPage(
                    s, premises, refused: Refused(form: form.prefix, typed: pairs, errors: refusal.errors), done: nil,
                    status: .unprocessableContent)
            }
        }
        r.get("premises/{code}/beds/{bedId}") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            try Self.require(.manage, s)
            return try await bedPage(s, premises, try Self.pathId(ctx, "bedId"), refused: nil, done: req.query("done"))
        }
        for action in ["revise", "withdraw"] {
            r.post("premises/{code}/beds/{bedId}/out-of-service/{periodId}/\(action)") { req, ctx in
                guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
                try Self.require(.manage, s)
                let bed = try Self.pathId(ctx, "bedId")
                let period = try Self.pathId(ctx, "periodId")
                let pairs = try await Self.postedForm(req, s)
                let form =
                    action == "revise"
                    ? BedForms.period("revise-\(period.lowercased)", withBed: false)
                    : WebForm("withdraw-\(period.lowercased)", BedForms.withdraw.fields)
                let outcome = try await attempt(form) {
                    if action == "revise" {
                        _ = try await revise(
                            s.principal, period,
                            try form.read(NewPeriod.self, pairs, zone: zone(premises), today: today()))
                    } else {
                        try await withdrawPeriod(
                            s.principal, period,
                            try form.read(Withdrawal.self, pairs, zone: zone(premises), today: today()))
                    }
                }
                guard case .failure(let refusal) = outcome else {
                    return Self.redirect("/premises/\(premises.code)/beds/\(bed.lowercased)?done=\(action)")
                }
                return try await bedPage(
                    s, premises, bed, refused: Refused(form: form.prefix, typed: pairs, errors: refusal.errors),
                    done: nil,
                    status: .unprocessableContent)
            }
        }
    }

    func bedsPage(
        _ s: WebSessionStore.Session, _ premises: Premises, refused: Refused?, done: String?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let today = today()
        let nights = (0..<14).map { today.adding(days: $0) }
        let (board, rooms) = try await run(s.principal, .manage, premises: premises.id) { c, _ in
            (
                try BedStore.board(
                    c, premisesId: premises.id, nights: Nights(from: today, to: today.adding(days: 14))!),
                try PremisesStore.rooms(c, premisesId: premises.id)
            )
        }
        var periods: [[String: String]] = []
        let rows = board.sorted { $0.bed.code.localizedStandardCompare($1.bed.code) == .orderedAscending }.map {
            row -> [String: Any] in
            let cells = nights.map { night -> [String: Any] in
                for h in row.holdings {
                    switch h {
                    case .allocated(let placementId, _, let crn, let name, let n) where n.contains(night):
                        // One link for each stay in view, on its first night: a row of 14 links is 14 tab stops.
                        guard night == max(n.from, today) else { return ["name": Self.short(name)] }
                        return [
                            "name": Self.short(name), "full": "\(name) (\(crn))", "placement": placementId.lowercased,
                        ]
                    case .outOfService(_, let reason, let n) where n.contains(night):
                        return ["oos": reason.rawValue.spoken]
                    default: continue
                    }
                }
                return ["free": true]
            }
            for h in row.holdings {
                if case .outOfService(_, let reason, let n) = h {
                    periods.append([
                        "bed": row.bed.code, "bedId": row.bed.id.lowercased, "reason": reason.rawValue.spoken,
                        "nights": Wording.nights(from: n.from, until: n.to),
                    ])
                }
            }
            return ["bedCode": row.bed.code, "id": row.bed.id.lowercased, "room": row.bed.roomCode, "cells": cells]
        }
        let form = BedForms.create
        var model: [String: Any] = [
            "title": "\(premises.code): beds", "rows": rows,
            "nights": nights.map { ["day": $0.weekdayDayAndMonth] }, "periods": periods, "hasPeriods": !periods.isEmpty,
            "from": today.weekdayDayAndMonth,
        ]
        let ours = refused?.form == form.prefix ? refused : nil
        var f = form.model(typed: ours?.typed ?? [], errors: ours?.errors ?? [])
        var bedField = f["bedId"] as? [String: Any] ?? [:]
        let chosen = ours?.typed.fields["bedId"]
        bedField["options"] = board.map {
            [
                "value": $0.bed.id.lowercased, "label": "\($0.bed.code) (room \($0.bed.roomCode))",
                "on": $0.bed.id.lowercased == chosen,
            ]
        }
        f["bedId"] = bedField
        model["f"] = f
        model["hasErrors"] = !(refused?.errors.isEmpty ?? true)
        model["errors"] = (refused?.errors ?? []).map { ["field": $0.field, "message": $0.message] }
        let mine = { (form: WebForm) in refused?.form == form.prefix ? refused : nil }
        model["room"] = BedForms.room.model(
            typed: mine(BedForms.room)?.typed ?? [], errors: mine(BedForms.room)?.errors ?? [])
        var bedForm = BedForms.bed.model(
            typed: mine(BedForms.bed)?.typed ?? [], initial: ["openedOn": WebForm.typed(today)],
            errors: mine(BedForms.bed)?.errors ?? [])
        if var roomField = bedForm["roomId"] as? [String: Any] {
            let chosenRoom = mine(BedForms.bed)?.typed.fields["roomId"]
            roomField["options"] = rooms.map {
                ["value": $0.id.lowercased, "label": $0.code, "on": $0.id.lowercased == chosenRoom]
            }
            bedForm["roomId"] = roomField
        }
        model["bed"] = bedForm
        let said = [
            "out-of-service": "The bed is out of service for those nights", "room": "Room added: now add its beds",
            "bed": "Bed added", "opened": "The premises is open: add its rooms and beds",
        ]
        if let done, let text = said[done] { model["done"] = text }
        return Self.page("beds", model, s, premises, .beds, status: status)
    }

    /// "Kemi Ahmed" as "K. Ahmed": a board of 14 nights stays readable.
    static func short(_ name: String) -> String {
        let parts = name.split(separator: " ")
        guard parts.count > 1, let first = parts.first?.first else { return name }
        return "\(first). \(parts.dropFirst().joined(separator: " "))"
    }

    func bedPage(
        _ s: WebSessionStore.Session, _ premises: Premises, _ id: UUID, refused: Refused?, done: String?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let zone = zone(premises)
        let (bed, history) = try await run(s.principal, .manage, scope: (.bed, id)) { c, _ in
            (try PremisesStore.bed(c, id: id)!, try BedStore.outOfServiceHistory(c, bedId: id))
        }
        let when = { (d: Date) in "\(Zone.local(d, in: zone).date.weekdayDayAndMonth) \(Zone.clockTime(d, in: zone))" }
        let mine = { (prefix: String) in refused?.form == prefix ? refused : nil }
        let periods = history.reversed().map { p -> [String: Any] in
            let revise = BedForms.period("revise-\(p.id.lowercased)", withBed: false)
            let withdraw = WebForm("withdraw-\(p.id.lowercased)", BedForms.withdraw.fields)
            var item: [String: Any] = [
                "id": p.id.lowercased, "nights": Wording.nights(from: p.nights.from, until: p.nights.to),
                "reason": p.reason.rawValue.spoken, "recorded": when(p.recordedAt), "live": p.withdrawnAt == nil,
                "revise": revise.model(
                    typed: mine(revise.prefix)?.typed ?? [],
                    initial: [
                        "from": WebForm.typed(p.nights.from), "to": WebForm.typed(p.nights.to),
                        "reason": p.reason.rawValue, "notes": p.notes,
                    ], errors: mine(revise.prefix)?.errors ?? []),
                "withdraw": withdraw.model(
                    typed: mine(withdraw.prefix)?.typed ?? [], errors: mine(withdraw.prefix)?.errors ?? []),
            ]
            if !p.notes.isEmpty { item["notes"] = p.notes }
            if let at = p.withdrawnAt {
                item["withdrawn"] =
                    "\(p.withdrawnReason == "revised" ? "Revised" : "Withdrawn") \(when(at))"
                    + (p.withdrawnReason.map { $0 == "revised" ? "" : ": \($0)" } ?? "")
            }
            if p.replaces != nil { item["replaces"] = true }
            return item
        }
        var model: [String: Any] = [
            "title": "Bed \(bed.code)", "bedId": id.lowercased, "bed": bed.code, "room": bed.roomCode,
            "periods": periods,
            "hasPeriods": !periods.isEmpty, "hasErrors": !(refused?.errors.isEmpty ?? true),
            "errors": (refused?.errors ?? []).map { ["field": $0.field, "message": $0.message] },
        ]
        if !bed.roomCharacteristics.isEmpty {
            model["has"] = bed.roomCharacteristics.map(\.rawValue.spoken).joined(separator: ", ")
        }
        if done == "revise" { model["done"] = "Period revised: the old one is kept, marked revised" }
        if done == "withdraw" { model["done"] = "Period withdrawn: it is kept, marked withdrawn" }
        return Self.page("bed", model, s, premises, .beds, status: status)
    }
}
