export function formatCount(value) {
    return Math.round(value).toLocaleString('en-US');
}
export function formatMeasure(value) {
    if (value >= 100)
        return formatCount(value);
    return value.toFixed(value >= 10 ? 1 : 2);
}
export function formatRatio(value) {
    return `${value.toFixed(2)}x`;
}
export function formatSettings(settings) {
    return Object.entries(settings)
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(' ');
}
//# sourceMappingURL=format.js.map