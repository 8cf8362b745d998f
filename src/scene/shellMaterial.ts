import { Color, DoubleSide, ShaderMaterial, type Plane } from 'three';

/**
 * Translucent isosurface shell with a Fresnel rim: faces seen edge-on are more opaque than faces
 * seen head-on, so nested shells read as outlines and what lies inside (the tumour and its margin
 * colours) stays visible through their middle. Supports clipping planes. depthWrite off.
 */
export function createShellMaterial(color: string, opacity: number): ShaderMaterial {
  return new ShaderMaterial({
    uniforms: {
      color: { value: new Color(color) },
      opacity: { value: opacity },
    },
    vertexShader: /* glsl */ `
      #include <common>
      #include <clipping_planes_pars_vertex>
      varying vec3 vN;
      varying vec3 vV;
      void main() {
        #include <begin_vertex>
        #include <project_vertex>
        #include <clipping_planes_vertex>
        vN = normalize(normalMatrix * normal);
        vV = -mvPosition.xyz;
      }`,
    fragmentShader: /* glsl */ `
      #include <common>
      #include <clipping_planes_pars_fragment>
      uniform vec3 color;
      uniform float opacity;
      varying vec3 vN;
      varying vec3 vV;
      void main() {
        #include <clipping_planes_fragment>
        vec3 n = normalize(vN);
        vec3 v = normalize(vV);
        float ndv = abs(dot(n, v));
        float rim = pow(1.0 - ndv, 2.5);
        float a = clamp(opacity * (0.35 + 2.2 * rim), 0.0, 0.92);
        // Soft head-light shading plus a faint specular glint.
        vec3 c = color * (0.55 + 0.45 * ndv) + vec3(0.35) * pow(ndv, 40.0);
        gl_FragColor = vec4(c, a);
        #include <colorspace_fragment>
      }`,
    transparent: true,
    depthWrite: false,
    side: DoubleSide,
    clipping: true,
  });
}

export function updateShellMaterial(m: ShaderMaterial, color: string, opacity: number, planes: Plane[]): void {
  (m.uniforms.color.value as Color).set(color);
  m.uniforms.opacity.value = opacity;
  if (m.clippingPlanes !== planes) {
    m.clippingPlanes = planes;
    m.needsUpdate = true;
  }
}
