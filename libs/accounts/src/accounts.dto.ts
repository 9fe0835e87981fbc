// Request shapes of sign-in, accounts and API keys.
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALL_OPERATIONS, Role, ROLES } from '@crm/shared';
import { IsCleanText, Omittable } from '@crm/shared/http';
import { USERNAME } from './business-logic';

export class TokenRequestDto {
  @ApiProperty() @IsString() @MaxLength(64) username!: string;
  @ApiProperty() @IsString() @MaxLength(256) password!: string;
}

export class CreateAccountDto {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @Matches(USERNAME, { message: 'username must be 1-64 lower-case letters, digits or . _ @ -, starting with a letter or digit' })
  username!: string;
  @ApiProperty({ description: '12-256 characters' }) @IsString() @IsCleanText() @MaxLength(256) password!: string;
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role!: Role;
}

export class ChangeRoleDto {
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role!: Role;
}

export class DisableAccountDto {
  @ApiPropertyOptional() @Omittable() @IsString() @IsCleanText() @MaxLength(500) reason?: string;
}

export class SetPasswordDto {
  @ApiProperty({ description: '12-256 characters' }) @IsString() @IsCleanText() @MaxLength(256) password!: string;
}

export class IssueApiKeyDto {
  @ApiProperty({ example: 'tmall shop' }) @IsString() @IsCleanText() @MaxLength(100) name!: string;
  @ApiProperty({ enum: ALL_OPERATIONS, isArray: true, example: ['purchases.record', 'refunds.record', 'customers.read'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsIn(ALL_OPERATIONS, { each: true, message: 'each operation must be one of the matrix (docs/security.md)' })
  operations!: string[];
}

export class EmptyBodyDto {
  @IsOptional() @IsString() @MaxLength(0) _?: string;
}
