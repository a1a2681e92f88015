/** redos-detector's ES module build (regex-policy.ts) has the types of its main entry. */
declare module 'redos-detector/dist/redos-detector.mjs' {
  export * from 'redos-detector';
}
