export enum ActivityOrigin {
  SYSTEM = 'SYSTEM',
  EXTERNAL = 'EXTERNAL',
}
