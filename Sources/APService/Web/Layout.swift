import APStore
import APWire
import Foundation
import HTTPTypes
import Hummingbird

/// What every signed-in page shares: the header's name and sign-out, and the premises' pages the account's role
/// may use (the shift's for staff; placements, beds and reports too for managers and admins). A page a role may not
/// use is not offered; its route refuses it as well.
extension API {
    enum Section: String, CaseIterable {
        case summary, roll, handover, incidents, placements, beds, report, staff

        var label: String {
            switch self {
            case .summary: "Summary"
            case .roll: "Who is in"
            case .handover: "Handover"
            case .incidents: "Incidents"
            case .placements: "Placements"
            case .beds: "Beds"
            case .report: "Occupancy report"
            case .staff: "Staff sign-ins"
            }
        }

        var path: String {
            switch self {
            case .summary: ""
            case .report: "/occupancy-report"
            default: "/\(rawValue)"
            }
        }

        var forShift: Bool { [.roll, .handover, .incidents].contains(self) }
    }

    /// The page `template` with `model`, framed for the signed-in account at `premises`.
    static func page(
        _ template: String, _ model: [String: Any], _ s: WebSessionStore.Session, _ premises: Premises?,
        _ section: Section?, status: HTTPResponse.Status = .ok
    ) -> Response {
        var model = model
        model["who"] = s.principal.account.name
        model["csrf"] = s.csrf
        if let premises {
            let manages = s.principal.account.role != .staff
            model["hasNav"] = true
            model["navPremises"] = "\(premises.code) \(premises.name)"
            model["code"] = premises.code
            model["premises"] = "\(premises.code) \(premises.name)"
            var nav: [[String: Any]] =
                manages ? [["href": "/overview", "label": "All premises", "current": false]] : []
            nav += Section.allCases.filter { manages || $0.forShift }.map {
                ["href": "/premises/\(premises.code)\($0.path)", "label": $0.label, "current": $0 == section]
            }
            model["nav"] = nav
        }
        if model["hasErrors"] == nil { model["hasErrors"] = false }
        return HTML.response(Templates.render(template, model), status: status)
    }
}
