/** Vega building blocks shared by the simulator's and the metrics' charts. */

/** One line per value of `groupBy` in `data`, x and y on the scales named x and y, colour on `colorScale`. */
export function lineGroupMark(
  data: string,
  groupBy: string,
  fields: { x: string; y: string },
  colorScale: string,
): Record<string, unknown> {
  return {
    type: 'group',
    from: { facet: { name: `${data}-facet`, data, groupby: groupBy } },
    marks: [
      {
        type: 'line',
        from: { data: `${data}-facet` },
        encode: {
          enter: {
            x: { scale: 'x', field: fields.x },
            y: { scale: 'y', field: fields.y },
            stroke: { scale: colorScale, field: groupBy },
            strokeWidth: { value: 2 },
          },
        },
      },
    ],
  };
}
