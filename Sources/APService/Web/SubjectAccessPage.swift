import APDomain
import APWire
import Civil
import Foundation

/// A subject access request as a page a person can read: who we hold, where they stayed, their conditions, who
/// read their record, then their whole history laid out as an evidence pack is. From the templates, every value
/// escaped, like every other page.
public enum SubjectAccessPage {
    public static func html(_ s: SubjectAccess) -> String {
        let zone = TimeZone(identifier: s.history.timeZone) ?? TimeZone(identifier: "Europe/London")!
        let when = { (d: Date) in
            "\(Zone.local(d, in: zone).date.weekdayDayAndMonth) \(Zone.local(d, in: zone).date.year) "
                + Zone.clockTime(d, in: zone)
        }
        let code = Dictionary(uniqueKeysWithValues: s.premises.map { ($0.id, "\($0.code) \($0.name)") })
        var pack = EvidencePage(s.history)
        pack.online = false
        let model: [String: Any] = [
            "title": "Everything held about \(s.resident.givenName) \(s.resident.familyName)",
            "crn": s.resident.crn.value, "generated": when(s.generatedAt),
            "placements": s.placements.map { p -> [String: String] in
                [
                    "premises": code[p.premisesId] ?? "another premises",
                    "stay": Wording.stay(from: p.expectedArrival, to: p.expectedDeparture), "status": p.status.rawValue,
                    "arrived": p.arrivedAt.map(when) ?? "", "departed": p.departedAt.map(when) ?? "",
                    "reason": [
                        p.departureReason?.rawValue, p.cancellationReason?.rawValue, p.nonArrivalReason?.rawValue,
                    ]
                    .compactMap { $0 }.joined(),
                ]
            },
            "conditions": s.conditions.map { c -> [String: String] in
                [
                    "kind": c.kind.rawValue, "nights": Wording.nights(from: c.startsOn, until: c.endsOn),
                    "wording": c.wording,
                ]
            },
            "reads": s.reads.map { ["at": when($0.at), "by": $0.by, "origin": $0.origin, "what": $0.what] },
            "hasReads": !s.reads.isEmpty, "pack": pack,
        ]
        return Templates.render("subject-access", model)
    }
}
