// The timeline capability: its REST read (the projector is run by ProjectionsModule).
import { Module } from '@nestjs/common';
import { TimelineController } from './timeline.controller';

@Module({ controllers: [TimelineController] })
export class TimelineModule {}
