// Loaded on demand by the reports screen so chart.js stays out of the first load.
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from "chart.js";
import type { ChartConfiguration } from "chart.js";

Chart.register(ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);

export type ChartHandle = { destroy: () => void };

const palette = ["#0b6e99", "#2e9d5b", "#c2410c", "#7c3aed", "#b91c1c", "#0f766e", "#a16207", "#be185d"];

export function lineChart(canvas: HTMLCanvasElement, labels: string[], series: Array<{ label: string; data: number[] }>): ChartHandle {
  const config: ChartConfiguration<"line"> = {
    type: "line",
    data: { labels, datasets: series.map((s, i) => ({ label: s.label, data: s.data, borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], tension: 0.25 })) },
    options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  };
  return new Chart(canvas, config);
}

export function barChart(canvas: HTMLCanvasElement, labels: string[], series: Array<{ label: string; data: number[] }>, horizontal = false): ChartHandle {
  const config: ChartConfiguration<"bar"> = {
    type: "bar",
    data: { labels, datasets: series.map((s, i) => ({ label: s.label, data: s.data, backgroundColor: palette[i % palette.length] })) },
    options: { indexAxis: horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false, animation: false, scales: { x: { beginAtZero: true }, y: { beginAtZero: true } } },
  };
  return new Chart(canvas, config);
}

export function doughnutChart(canvas: HTMLCanvasElement, labels: string[], data: number[]): ChartHandle {
  const config: ChartConfiguration<"doughnut"> = {
    type: "doughnut",
    data: { labels, datasets: [{ data, backgroundColor: labels.map((_, i) => palette[i % palette.length]) }] },
    options: { responsive: true, maintainAspectRatio: false, animation: false },
  };
  return new Chart(canvas, config);
}
