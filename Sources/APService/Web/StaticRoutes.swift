import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The pages' own script and style files (Sources/APService/Static): the only scripts the pages' policy lets run.
extension API {
    static let scripts: [String: ByteBuffer] = {
        guard let folder = Bundle.module.url(forResource: "Static", withExtension: nil),
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return [:] }
        var scripts: [String: ByteBuffer] = [:]
        for name in names where name.hasSuffix(".js") || name.hasSuffix(".css") {
            if let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) {
                scripts[name] = ByteBuffer(bytes: data)
            }
        }
        return scripts
    }()

    func staticRoutes(_ r: Router<APRequestContext>) {
        r.get("static/{name}") { _, ctx in
            guard let name = ctx.parameters.get("name"), let script = Self.scripts[name] else {
                throw WebPage(status: .notFound, title: "Not found", text: "There is no such file.")
            }
            let type = name.hasSuffix(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8"
            var headers: HTTPFields = [.contentType: type, .cacheControl: "no-cache"]
            headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: script))
        }
    }
}
