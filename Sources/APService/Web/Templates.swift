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

    /// `name` rendered with `model` (a value whose stored properties the template names).
    static func render(_ name: String, _ model: Any) -> String {
        guard let html = library.render(model, withTemplate: name) else { fatalError("no template named \(name)") }
        return html
    }
}
