export function jobsPerSecond(measurement) {
    return measurement.jobs / (measurement.elapsedMs / 1000);
}
//# sourceMappingURL=measurement.js.map