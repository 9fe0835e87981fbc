// perPlatform: slices that import one another on the same platform share one
// module instance (one provider instance), with no module made global.
import { DynamicModule, Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { perPlatform } from './platform';

const SETTING = Symbol('SETTING');
let made = 0;

@Injectable()
class Counter {
  constructor(@Inject(SETTING) readonly setting: string) {
    made += 1;
  }
}

@Module({})
class Base {
  static readonly on = perPlatform((platform) => ({ module: Base, imports: [platform], providers: [Counter], exports: [Counter] }));
}

@Module({})
class Left {
  static readonly on = perPlatform((platform) => ({ module: Left, imports: [Base.on(platform)] }));
}

@Module({})
class Right {
  static readonly on = perPlatform((platform) => ({ module: Right, imports: [Base.on(platform)] }));
}

@Module({})
class Platform {
  static forRoot(setting: string): DynamicModule {
    return { module: Platform, providers: [{ provide: SETTING, useValue: setting }], exports: [SETTING] };
  }
}

describe('perPlatform', () => {
  it('Given two slices importing a third on one platform, When the app starts, Then the third is made once and sees the platform', async () => {
    made = 0;
    const platform = Platform.forRoot('shop-a');
    const app = await NestFactory.createApplicationContext({ module: class Root {}, imports: [Left.on(platform), Right.on(platform)] }, { logger: false });
    expect(made).toBe(1);
    expect(app.get(Counter).setting).toBe('shop-a');
    await app.close();
  });

  it('Given two platforms, When a slice is built for each, Then they are two modules', () => {
    expect(Base.on(Platform.forRoot('a'))).not.toBe(Base.on(Platform.forRoot('b')));
    const one = Platform.forRoot('c');
    expect(Base.on(one)).toBe(Base.on(one));
  });
});
