/**
 * The Markdown Teams renders in card text, as HTML: bold, links and paragraphs, which is all the bot's
 * words use. It runs in Node for the sign-in card and, sent as source text, inside the page as the Adaptive
 * Cards renderer's Markdown processor, so it must stay one self-contained function.
 */
export function markdownToHtml(markdown: string): string {
  return markdown
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/\[([^\]]+)\]\((https:\/\/[^)\s]+)\)/g, '<a href="$2">$1</a>')
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.replace(/\n/g, '<br>')}</p>`)
    .join('');
}
