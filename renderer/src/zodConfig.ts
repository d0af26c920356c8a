// Imported first by main.ts, before any schema can be parsed. The page's Content-Security-Policy
// has no 'unsafe-eval': zod must neither probe for `new Function` (the refused probe still logs
// a violation in the console) nor compile its fast paths with it.
import { config } from 'zod'

config({ jitless: true })
