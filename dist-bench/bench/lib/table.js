export function renderTable(header, rows) {
    const all = [header, ...rows];
    const widths = header.map((_, column) => Math.max(...all.map((row) => row[column].length)));
    const line = (row) => row
        .map((cell, column) => column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))
        .join(' | ');
    const rule = widths.map((width) => '-'.repeat(width)).join('-|-');
    return [line(header), rule, ...rows.map(line)].join('\n');
}
//# sourceMappingURL=table.js.map