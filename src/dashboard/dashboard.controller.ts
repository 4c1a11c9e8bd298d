import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/auth.decorators.js';
import { ProblemException } from '../http/problem.js';
import { type DashboardAsset, loadDashboardAssets, pickCoding } from './dashboard-assets.js';

/** Where the dashboard lives; `/` leads there. */
export const DASHBOARD_PATH = '/dashboard/';

/**
 * The browser dashboard: static files built by scripts/build-dashboard.mjs. No key is needed to
 * load them; the page asks for one and sends it with each API call. Asset names carry a content
 * hash, so they are cached for good; index.html is revalidated on each load.
 */
@ApiExcludeController()
@Public()
@Controller()
export class DashboardController {
  private readonly assets = loadDashboardAssets();

  @Get()
  root(@Res() res: Response): void {
    res.redirect(302, DASHBOARD_PATH);
  }

  @Get('dashboard')
  index(@Req() req: Request, @Res() res: Response): void {
    // Express matches /dashboard and /dashboard/ alike; relative asset URLs need the slash.
    if (!req.originalUrl.split('?')[0].endsWith('/')) return res.redirect(301, DASHBOARD_PATH);
    this.send('index.html', 'no-cache', req, res);
  }

  @Get('dashboard/assets/:file')
  asset(@Param('file') file: string, @Req() req: Request, @Res() res: Response): void {
    this.send(`assets/${file}`, 'public, max-age=31536000, immutable', req, res);
  }

  private send(name: string, cacheControl: string, req: Request, res: Response): void {
    const asset = this.assets.get(name);
    if (!asset) throw this.missing(name);
    res.setHeader('Cache-Control', cacheControl);
    res.setHeader('ETag', asset.etag);
    res.setHeader('Vary', 'Accept-Encoding');
    if (req.headers['if-none-match'] === asset.etag) return void res.status(304).end();
    const coding = pickCoding(asset, req.headers['accept-encoding']);
    res.setHeader('Content-Type', asset.contentType);
    if (coding !== 'identity') res.setHeader('Content-Encoding', coding);
    res.end(bodyOf(asset, coding));
  }

  private missing(name: string): ProblemException {
    return this.assets.size > 0
      ? new ProblemException({ status: 404, detail: `The dashboard has no file ${name}.` })
      : new ProblemException({
          status: 503,
          detail: 'The dashboard was not built: run `npm run build`.',
        });
  }
}

function bodyOf(asset: DashboardAsset, coding: string): Buffer {
  return asset.bodies.get(coding) ?? (asset.bodies.get('identity') as Buffer);
}
