<?xml version="1.0" encoding="utf-8"?>
<!-- SPDX-License-Identifier: GPL-3.0-or-later

     Makes the harvested RuntimeFiles fragment fit a per-user package (windows/README.md,
     "The MSI"). heat dir and wixl-heat make every harvested file its component's key path;
     a component installed under the user profile needs an HKCU registry value as key path
     instead (ICE38), and every directory the package creates there needs a RemoveFile row
     (ICE64). Over either tool's output this transform:

       - gives every harvested Component the key path
           HKCU\Software\Switchyard\Installer\Runtime, value <component id> = 1 (REG_DWORD)
         (RegistryValue Id "reg_<component id>"), and takes KeyPath="yes" off whatever had it
         (the File, or the Component itself for a kept empty directory);
       - puts in every harvested Directory a component "fld_<directory id>", Guid="*", with the
         same kind of HKCU key path and RemoveFolder "rmf_<directory id>" On="uninstall", and
         adds it to the component group. RemoveFolder sits in a component of the directory it
         removes, not Directory="..." elsewhere: wixl ignores RemoveFolder/@Directory.

     Ids are heat's own (cmp..., dir..., 35 characters) behind a prefix of 4 to 8 characters:
     stable as long as heat's are, unique, and under the 72 an MSI identifier allows. The harvested
     components keep their GUIDs: heat -gg writes explicit ones, as WiX requires here (it
     generates no GUID, Guid="*", for a component holding files with a registry key path).
     The fld_ components hold no file, so WiX derives theirs from the registry key path.

     XSLT 1.0 without extensions: heat dir ... -t windows\runtime-per-user.xsl (WiX 3), or
     xsltproc windows/runtime-per-user.xsl runtime.wxs (tests/data/check-msi.py).
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:wix="http://schemas.microsoft.com/wix/2006/wi"
                xmlns="http://schemas.microsoft.com/wix/2006/wi"
                exclude-result-prefixes="wix">

  <xsl:output method="xml" encoding="utf-8" indent="yes" />
  <xsl:strip-space elements="*" />

  <xsl:variable name="key">Software\Switchyard\Installer\Runtime</xsl:variable>
  <!-- wixl-heat writes Win64 on each component, heat leaves it to candle -arch. -->
  <xsl:variable name="win64" select="(//wix:Component/@Win64)[1]" />

  <!-- Everything else is copied as it is. -->
  <xsl:template match="@* | node()">
    <xsl:copy>
      <xsl:apply-templates select="@* | node()" />
    </xsl:copy>
  </xsl:template>

  <xsl:template name="key-path">
    <xsl:param name="component" />
    <RegistryValue Id="reg_{$component}" Root="HKCU" Key="{$key}" Name="{$component}"
                   Type="integer" Value="1" KeyPath="yes" />
  </xsl:template>

  <!-- No file (or directory) as key path. -->
  <xsl:template match="wix:Component/@KeyPath | wix:Component/*/@KeyPath" />

  <xsl:template match="wix:Component">
    <xsl:copy>
      <xsl:apply-templates select="@*" />
      <xsl:call-template name="key-path">
        <xsl:with-param name="component" select="@Id" />
      </xsl:call-template>
      <xsl:apply-templates select="node()" />
    </xsl:copy>
  </xsl:template>

  <xsl:template match="wix:Directory">
    <xsl:copy>
      <xsl:apply-templates select="@* | node()" />
      <Component Id="fld_{@Id}" Guid="*">
        <xsl:copy-of select="$win64" />
        <xsl:call-template name="key-path">
          <xsl:with-param name="component" select="concat('fld_', @Id)" />
        </xsl:call-template>
        <RemoveFolder Id="rmf_{@Id}" On="uninstall" />
      </Component>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="wix:ComponentGroup">
    <xsl:copy>
      <xsl:apply-templates select="@* | node()" />
      <xsl:if test="generate-id(.) = generate-id((//wix:ComponentGroup)[1])">
        <xsl:for-each select="//wix:Directory">
          <ComponentRef Id="fld_{@Id}" />
        </xsl:for-each>
      </xsl:if>
    </xsl:copy>
  </xsl:template>

</xsl:stylesheet>
