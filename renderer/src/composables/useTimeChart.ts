// An ECharts line chart over time in the console's theme: axes, grid and tooltip from
// base.css's colours (read again when the theme changes), and no animation under WebDriver
// so screenshots are stable. Only the ECharts parts used are registered, to keep the bundle small.
// Drawn as SVG (the only renderer registered, so ECharts picks it): a few small line charts
// cost little as SVG, and their axis labels are then text in the page, which tests can measure.
import { LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { use } from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'
import { computed } from 'vue'
import { useThemeColors } from './useThemeColors'

use([LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer])

const COLORS = ['accent', 'good', 'warn', 'bad', 'text-muted', 'border', 'surface', 'text'] as const
export type SeriesColor = 'accent' | 'good' | 'warn' | 'bad'

export interface TimeSeries {
  name: string
  color: SeriesColor
  /** [timestamp, value] pairs. */
  data: Array<[number, number]>
  area?: boolean
}

export interface TimeChartOptions {
  minInterval?: number
  legend?: boolean
  /** At least this much time on the x axis, ending at the last point: a live chart's first points do not fill it. */
  minSpanMs?: number
}

/** The x axis' [min, max]: ECharts' own range around one or two points would span days. */
function timeRange(series: TimeSeries[], minSpanMs: number): { min?: number; max?: number } {
  const times = series.flatMap((s) => s.data.map(([t]) => t))
  if (!minSpanMs || times.length === 0) return {}
  const max = Math.max(...times)
  return { min: Math.min(...times, max - minSpanMs), max }
}

/** The chart's option, recomputed when the series or the theme change. */
export function useTimeChart(series: () => TimeSeries[], options: TimeChartOptions = {}) {
  const colors = useThemeColors(COLORS)
  return computed(() => {
    const c = colors.value
    const axis = { axisLine: { lineStyle: { color: c.border } }, axisLabel: { color: c['text-muted'] }, splitLine: { lineStyle: { color: c.border } } }
    const all = series()
    return {
      animation: !navigator.webdriver,
      grid: { left: 48, right: 20, top: options.legend ? 36 : 16, bottom: 28 },
      legend: options.legend ? { top: 4, textStyle: { color: c['text-muted'] } } : undefined,
      tooltip: { trigger: 'axis', backgroundColor: c.surface, borderColor: c.border, textStyle: { color: c.text } },
      // A time axis places a label at every tick whatever the chart's width: in a half-width
      // chart 10 s apart they ran into one another. Fewer ticks, and ECharts drops any label
      // that would still touch its neighbour.
      xAxis: {
        type: 'time',
        ...timeRange(all, options.minSpanMs ?? 0),
        ...axis,
        splitNumber: 4,
        axisLabel: { ...axis.axisLabel, hideOverlap: true },
        splitLine: { show: false },
      },
      yAxis: { type: 'value', minInterval: options.minInterval, ...axis },
      series: all.map((s) => ({
        name: s.name,
        type: 'line',
        showSymbol: s.data.length < 30,
        data: s.data,
        lineStyle: { color: c[s.color], width: 2 },
        itemStyle: { color: c[s.color] },
        areaStyle: s.area ? { color: c[s.color], opacity: 0.12 } : undefined,
      })),
    }
  })
}
