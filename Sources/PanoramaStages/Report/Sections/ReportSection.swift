/// One section of `panorama.html` inside `<main>`. The page writes the `<section id>` element and
/// its `<h2>` (the same title the header's contents list links to); the section writes the body
/// between them. A new section is one type conforming to this and one line in `PanoramaHTML.sections`.
protocol ReportSection: ReportHTMLPart {
    /// The element id, and the anchor of the section's entry in the contents list.
    var id: String { get }
    /// The heading in the page's language, not yet escaped.
    var title: String { get }
    /// Appends everything between the section's heading and its `</section>`.
    func render(into h: inout String)
}
