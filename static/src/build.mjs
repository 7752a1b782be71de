// Builds static/dist/ from static/src/ and the npm packages: `npm run build` after `npm ci`.
//
//   dist/app.css                 static/src/app.scss compiled (compressed), GOV.UK Frontend inside
//   dist/govuk-frontend.min.js   GOV.UK Frontend's JavaScript (an ES module) and its source map
//   dist/init.mjs                starts GOV.UK Frontend's components
//   dist/htmx.min.js             htmx (BSD Zero Clause), for editing action plans in place
//   dist/actionplans.mjs         keyboard focus after the action plan's htmx swaps
//   dist/assets/fonts/           Noto Sans (SIL Open Font License 1.1) and its licence
//   dist/assets/images/          our favicon
//   dist/admin/                  accessibility repairs to the Django admin (admin.css, admin.js)
//
// GOV.UK Frontend's own assets are deliberately not copied: its fonts (GDS Transport) are licensed
// for GOV.UK only, and its images are the crown and the GOV.UK crest, which we must not use.
// Plain Node, no shell: it runs the same on any machine.

import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import * as sass from 'sass'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const src = join(root, 'static', 'src')
const dist = join(root, 'static', 'dist')
const require = createRequire(import.meta.url)

function packageDir(name) {
  return dirname(require.resolve(`${name}/package.json`))
}

const govuk = join(packageDir('govuk-frontend'), 'dist', 'govuk')
const notoSans = packageDir('@fontsource/noto-sans')

// The subsets and weights that app.scss declares with @font-face.
const fontFiles = ['latin', 'latin-ext'].flatMap((subset) =>
  ['400', '700'].flatMap((weight) =>
    ['woff2', 'woff'].map((format) => `noto-sans-${subset}-${weight}-normal.${format}`)
  )
)

async function copyInto(directory, files) {
  await mkdir(directory, { recursive: true })
  await Promise.all(files.map(([from, name]) => copyFile(from, join(directory, name))))
}

async function buildCss() {
  const result = sass.compile(join(src, 'app.scss'), {
    style: 'compressed',
    loadPaths: [join(root, 'node_modules')],
    // GOV.UK Frontend 5 is written with @import and global functions, which current Dart Sass
    // warns about; the warnings are GOV.UK Frontend's to fix, not ours.
    quietDeps: true,
    silenceDeprecations: ['import', 'global-builtin', 'color-functions', 'slash-div'],
    sourceMap: false
  })
  await writeFile(join(dist, 'app.css'), result.css + '\n')
}

async function main() {
  await rm(dist, { recursive: true, force: true })
  await mkdir(dist, { recursive: true })

  await buildCss()

  await copyInto(dist, [
    [join(govuk, 'govuk-frontend.min.js'), 'govuk-frontend.min.js'],
    // The script names its source map; Django's manifest storage fails collectstatic without it.
    [join(govuk, 'govuk-frontend.min.js.map'), 'govuk-frontend.min.js.map'],
    [join(src, 'init.mjs'), 'init.mjs'],
    [join(packageDir('htmx.org'), 'dist', 'htmx.min.js'), 'htmx.min.js'],
    [join(src, 'actionplans.mjs'), 'actionplans.mjs']
  ])
  await copyInto(join(dist, 'assets', 'fonts'), [
    ...fontFiles.map((name) => [join(notoSans, 'files', name), name]),
    [join(notoSans, 'LICENSE'), 'noto-sans-OFL.txt']
  ])
  await copyInto(join(dist, 'assets', 'images'), [[join(src, 'favicon.svg'), 'favicon.svg']])
  await copyInto(join(dist, 'admin'), [
    [join(src, 'admin', 'admin.css'), 'admin.css'],
    [join(src, 'admin', 'admin.js'), 'admin.js']
  ])

  const built = await readdir(dist, { recursive: true })
  console.log(`Built static/dist/: ${built.length} files and folders.`)
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
