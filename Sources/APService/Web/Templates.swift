import APDomain
import Foundation
import Mustache

/// The pages' templates (Sources/APService/Templates/*.mustache): every `{{value}}` is HTML-escaped by the
/// template engine, so a page cannot forget to. Loaded once, from the module's resources.
enum Templates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil),
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { fatalError("the service's templates are missing from its resources") }
        for name in names where name.hasSuffix(".mustache") {
            do {
                let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                library.register(try MustacheTemplate(string: text), named: String(name.dropLast(".mustache".count)))
            } catch {
                fatalError("the template \(name) does not parse: \(error)")
            }
        }
        return library
    }()

    /// `name` rendered with `model` (a value whose stored properties the template names). A control or
    /// text-direction character in a value (refused by the service, but perhaps stored before it was) is written
    /// out as `<U+202E>` rather than acting on the page.
    static func render(_ name: String, _ model: Any) -> String {
        guard let html = library.render(visible(model), withTemplate: name) else {
            fatalError("no template named \(name)")
        }
        return html
    }

    static func visible(_ value: Any) -> Any {
        switch value {
        case let text as String: TextRules.visible(text, keepingNewLines: true)
        case let object as [String: Any]: object.mapValues(visible)
        case let list as [[String: Any]]: list.map { $0.mapValues(visible) }
        case let list as [[String: String]]: list.map { $0.mapValues { TextRules.visible($0, keepingNewLines: true) } }
        case let list as [String]: list.map { TextRules.visible($0, keepingNewLines: true) }
        case let list as [Any]: list.map(visible)
        default: value
        }
    }
}
