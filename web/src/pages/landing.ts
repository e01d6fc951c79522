import { markReady, startPage } from './page'

await startPage()
markReady()
